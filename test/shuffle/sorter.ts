import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import { compareUtf8, mergeSorted, sortOrder, Sorter, type SorterOptions } from '../../operators/shuffle/index.ts';
import { edgeLines, filesIn, gnuSort, rng, tempDir } from './helpers.ts';
import { scale } from '../long.ts';

function sortAll<T>(records: T[], opts: SorterOptions<T>): { out: T[]; runs: number; passes: number } {
  const s = new Sorter<T>(opts);
  for (const r of records) s.push(r);
  const out = [...s.finish()];
  return { out, runs: s.stats.runs, passes: s.stats.mergePasses };
}

test('edge lines, tiny budget, fan-in 3: many runs, several merge passes, equals LC_ALL=C sort', (t) => {
  const tmp = tempDir();
  try {
    const lines = edgeLines(5000);
    const { out, runs, passes } = sortAll(lines, { memory: 20_000, fanIn: 3, tmpDir: tmp, encoding: 'latin1' });
    t.true(runs > 20);
    t.true(passes > 2);
    t.deepEqual(out, gnuSort(lines));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('utf8 strings sort in UTF-8 byte order (astral vs U+E000-FFFF)', (t) => {
  const lines = ['\uffff', '😀', '\ue000', 'z', '\u00e9', 'a😀', 'a\uffff', ''];
  const { out } = sortAll(lines, { memory: 100 });
  const bytes = [...lines].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  t.deepEqual(out, bytes);
});

test('unique equals sort -u; reverse equals sort -r', (t) => {
  const lines = edgeLines(3000, 7);
  t.deepEqual(sortAll(lines, { memory: 10_000, fanIn: 2, unique: true, encoding: 'latin1' }).out, gnuSort(lines, ['-u']));
  t.deepEqual(sortAll(lines, { memory: 10_000, fanIn: 4, reverse: true }).out, gnuSort(lines, ['-r']));
});

test('Sorter: nothing is written when everything fits', (t) => {
  const tmp = tempDir();
  try {
    const s = new Sorter<string>({ tmpDir: tmp });
    for (const l of ['b', 'a']) s.push(l);
    t.deepEqual([...s.finish()], ['a', 'b']);
    t.is(s.stats.runs, 0);
    t.deepEqual(fs.readdirSync(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('pairs sort by key, stably, through runs', (t) => {
  const r = rng(3);
  const pairs: [string, number][] = Array.from({ length: 4000 }, (_, i) => [String.fromCharCode(97 + Math.floor(r() * 5)), i]);
  const { out, runs } = sortAll(pairs, { memory: 20_000, fanIn: 3 });
  t.true(runs > 3);
  t.deepEqual(out, [...pairs].sort((a, b) => compareUtf8(a[0], b[0])));
});

test('sortOrder is a stable UTF-8 byte order sort (property)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 300 }), (keys) => {
      const order = Array.from(sortOrder(keys));
      const expected = keys.map((_, i) => i).sort((a, b) => compareUtf8(keys[a], keys[b]) || a - b);
      t.deepEqual(order, expected);
    }),
    { numRuns: scale(50, 200) },
  );
  t.pass();
});

test('any input, any budget, any fan-in ≥ 2: equals a stable in-memory sort (property)', (t) => {
  const tmp = tempDir();
  try {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', '\u00ff', '\x00', '😀', '\ue000'), maxLength: 6 }), fc.integer()), { maxLength: 400 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 2, max: 6 }),
        fc.boolean(),
        (pairs, memory, fanIn, reverse) => {
          const { out } = sortAll(pairs.map(([k, v]) => [k, v] as [string, number]), { memory, fanIn, reverse, tmpDir: tmp });
          const expected = pairs
            .map((p, i) => [p, i] as const)
            .sort((a, b) => (reverse ? compareUtf8(b[0][0], a[0][0]) : compareUtf8(a[0][0], b[0][0])) || a[1] - b[1])
            .map(([p]) => p);
          t.deepEqual(out, expected);
        },
      ),
      { numRuns: scale(20, 60) },
    );
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('mergeSorted is stable: equal records come from the earlier source first', (t) => {
  const a: [string, string][] = [['a', 'A1'], ['b', 'A2']];
  const b: [string, string][] = [['a', 'B1'], ['b', 'B2'], ['c', 'B3']];
  const out = [...mergeSorted([a, b], (x, y) => compareUtf8(x[0], y[0]))].map((p) => p[1]);
  t.deepEqual(out, ['A1', 'B1', 'A2', 'B2', 'B3']);
});

test('mergeSorted of 0-40 sources, some empty: every record once, in key order, ties in source order (fast-check)', (t) => {
  fc.assert(fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }), { maxLength: 40 }), (lists) => {
    const sources = lists.map((keys, s) => keys.sort((a, b) => a - b).map((k, i) => ({ k, s, i })));
    const out = [...mergeSorted(sources, (x, y) => x.k - y.k)];
    // Array.prototype.sort is stable: records of equal keys stay in source order, then in their own order.
    t.deepEqual(out, sources.flat().sort((x, y) => x.k - y.k));
  }), { numRuns: 300 });
});

test('stopping early and dispose() remove the temp dir', (t) => {
  const tmp = tempDir();
  try {
    const s = new Sorter<string>({ memory: 1000, tmpDir: tmp });
    for (let i = 0; i < 1000; i++) s.push(`line ${i % 97}`);
    t.true(filesIn(tmp).length > 0);
    for (const l of s.finish()) if (l) break;
    t.deepEqual(filesIn(tmp), []);
    s.dispose();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('addSortedRun adds a sorted spill as a run, keeping order with buffered records', (t) => {
  const tmp = tempDir();
  try {
    const s = new Sorter<[string, number]>({ tmpDir: tmp, memory: 1 << 20 });
    s.push(['b', 1]);
    s.addSortedRun([['a', 2], ['b', 3], ['c', 4]]);
    s.push(['a', 5]);
    t.deepEqual([...s.finish()], [['a', 2], ['a', 5], ['b', 1], ['b', 3], ['c', 4]]);
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
