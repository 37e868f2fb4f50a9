// planRanges is the one way a file is cut into byte ranges: the operators' and the runtime's map tasks'
// (lib/runtime/planner.ts), with one default split size. `count` ranges are cut evenly, and there are
// fewer only when the file has fewer bytes (planRanges(9, { count: 4 }) gave 3; the runtime cut its own).
import test from 'ava';
import fc from 'fast-check';
import { planRanges, DEFAULT_SPLIT_SIZE } from '../../operators/lines/plan-ranges.ts';
import { DEFAULT_SPLIT_SIZE as RUNTIME_SPLIT_SIZE } from '../../lib/runtime/options.ts';
import { planSplits } from '../../lib/runtime/planner.ts';
import type { InputFile } from '../../lib/runtime/inputs.ts';

test('count ranges, cut evenly; fewer only when the file is smaller than count bytes', (t) => {
  t.deepEqual(planRanges(9, { count: 4 }), [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 4, end: 6 }, { start: 6, end: 9 }]);
  t.is(planRanges(10, { count: 6 }).length, 6);
  t.notThrows(() => fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 64 }), (size, count) => {
    const r = planRanges(size, { count });
    if (r.length !== Math.min(size, count)) return false;
    if (r[0].start !== 0 || r.at(-1)?.end !== size) return false;
    const widths = r.map((x) => x.end - x.start);
    return r.every((x, i) => x.end > x.start && (i === 0 || x.start === r[i - 1].end)) && Math.max(...widths) - Math.min(...widths) <= 1;
  })));
});

test('one default split size, the runtime\'s (128 MiB)', (t) => {
  t.is(DEFAULT_SPLIT_SIZE, 128 * 2 ** 20);
  t.is(RUNTIME_SPLIT_SIZE, DEFAULT_SPLIT_SIZE);
  t.is(planRanges(300 * 2 ** 20).length, 3);
});

test('the runtime\'s map tasks are planRanges\' cuts (the last one reading to EOF)', (t) => {
  t.notThrows(() => fc.assert(fc.property(fc.integer({ min: 2, max: 1e10 }), fc.integer({ min: 2, max: 40 }), (size, mapTasks) => {
    const file: InputFile = { name: 'f', path: '/f', size, mtimeMs: 0, gz: false };
    const splits = planSplits([file], { mapTasks, splitSize: DEFAULT_SPLIT_SIZE, threshold: 0, workers: 2, splittable: true });
    const cut = planRanges(size, { count: mapTasks });
    return splits.length === cut.length
      && splits.every((s, i) => s.start === cut[i].start && s.end === (i === cut.length - 1 ? Infinity : cut[i].end));
  })));
});
