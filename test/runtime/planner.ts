// The map-task plan: real files of chosen sizes -> how many tasks, and ranges that tile each file exactly
// (read back by the LineRecordReader rule, every byte exactly once, in order).
import test from 'ava';
import fc from 'fast-check';
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileChunks } from '../../operators/lines/index.ts';
import { expandInputs, type InputFile } from '../../lib/runtime/inputs.ts';
import { MIN_SPLIT_BYTES, planSplits, scheduleOrder, splitBytes, type PlannedSplit, type PlanOptions } from '../../lib/runtime/planner.ts';
import { DEFAULT_SPLIT_SIZE, DEFAULT_THRESHOLD } from '../../lib/runtime/options.ts';
import { runJob } from '../../lib/index.ts';
import { FIXTURES, readParts, tempDir } from './helpers.ts';

const MB = 1 << 20;
const defaults: PlanOptions = { splitSize: DEFAULT_SPLIT_SIZE, threshold: DEFAULT_THRESHOLD, workers: 2, splittable: true };

/** A sparse file of `size` bytes (the plan reads sizes only). */
function sized(dir: string, name: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

async function stat(paths: string[]): Promise<InputFile[]> {
  return expandInputs(paths, () => Promise.reject(new Error('no stdin here')));
}

/** The ranges of each file start at 0, meet end to start, and end at EOF. */
function tiles(splits: PlannedSplit[]): string {
  for (const path of new Set(splits.map((s) => s.file.path))) {
    const ss = splits.filter((s) => s.file.path === path);
    if (ss[0].start !== 0) return `${path}: first range starts at ${ss[0].start}`;
    for (let i = 1; i < ss.length; i++) {
      if (ss[i].start !== ss[i - 1].end) return `${path}: range ${i} starts at ${ss[i].start}, previous ends at ${ss[i - 1].end}`;
      if (ss[i].start >= ss[i].end) return `${path}: empty range ${i}`;
    }
    if (ss.at(-1)?.end !== Infinity) return `${path}: last range ends before EOF`;
  }
  return '';
}

const count = (splits: PlannedSplit[], path: string) => splits.filter((s) => s.file.path === path).length;

test('task counts by size: big file many, small one, .gz one, mid-size at least one per worker', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const big = sized(dir, 'big.txt', 300 * MB);
    const mid = sized(dir, 'mid.txt', 40 * MB);
    const small = sized(dir, 'small.txt', MIN_SPLIT_BYTES);
    const gz = sized(dir, 'big.txt.gz', 300 * MB);
    const files = await stat([big, mid, small, gz]);
    const plan = planSplits(files, defaults);
    t.is(Math.ceil((300 * MB) / DEFAULT_SPLIT_SIZE), 3, '300 MB in 128 MiB splits');
    const alone = planSplits(await stat([big]), defaults);
    t.deepEqual(alone.map((s) => splitBytes(s) / MB), [75, 75, 37.5, 18.75, 9.375, 9.375, 37.5, 18.75, 9.375, 9.375],
      'rounded up to whole waves of 2 workers (4 x 75 MB, not 3), the last wave cut in halves down to 8 MiB');
    t.is(count(planSplits(await stat([big]), { ...defaults, workers: 3 }), big), 12, '3 x 100 MB, all in the last wave');
    t.is(count(planSplits(await stat([big]), { ...defaults, workers: 1 }), big), 3, 'one worker: nothing to even out');
    t.is(count(plan, mid), 2, 'a file at or below the threshold still gets one task per worker');
    t.is(count(plan, small), 1, 'no range smaller than MIN_SPLIT_BYTES');
    t.is(count(plan, gz), 1);
    t.is(count(planSplits(files, { ...defaults, workers: 8 }), mid), 5, '40 MB: at most ceil(size / 8 MiB) ranges');
    t.is(count(planSplits(files, { ...defaults, workers: 1 }), mid), 1);
    t.is(count(planSplits(files, { ...defaults, workers: 4, threshold: 1 }), small), 4, 'over the threshold: >= workers');
    const whole = planSplits(files, { ...defaults, splittable: false });
    t.is(whole.length, 4, 'split: false / json input: one task per file');
    t.is(tiles(plan), '');
  } finally {
    cleanup();
  }
});

test('the last wave is cut finer and runs last: tasks start largest first, ending in pieces of 8-16 MiB', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const a = sized(dir, 'a.txt', 1000 * MB);
    const b = sized(dir, 'b.txt', 150 * MB);
    const gz = sized(dir, 'c.txt.gz', 20 * MB);
    const files = await stat([a, b, gz]);
    const plan = planSplits(files, defaults);
    t.is(tiles(plan), '');
    const order = scheduleOrder(plan);
    t.deepEqual([...order].sort((x, y) => x - y), plan.map((_, i) => i), 'every task once');
    const sizes = order.map((i) => splitBytes(plan[i]));
    for (let i = 1; i < sizes.length; i++) t.true(Math.floor(sizes[i] / MB) <= Math.floor(sizes[i - 1] / MB), `task ${i} starts after a smaller one`);
    // The two ranges started last (b's two 75 MB halves) are the ones cut: a's 8 ranges of 125 MB stay whole.
    t.is(count(plan, a), 8);
    t.is(count(plan, b), 8);
    t.is(count(plan, gz), 1, 'a .gz file is never cut');
    const last = order.slice(-4).map((i) => plan[i]);
    t.true(last.every((s) => s.file.path === b && splitBytes(s) >= MIN_SPLIT_BYTES && splitBytes(s) < 2 * MIN_SPLIT_BYTES));
    const mapTasks = planSplits(files, { ...defaults, mapTasks: 9 });
    t.is(mapTasks.length, 9, 'an explicit mapTasks is kept as given');
    t.is(planSplits(files, { ...defaults, workers: 1 }).length, 8 + 2 + 1, 'one worker: even ranges only');
    const mid = planSplits(await stat([sized(dir, 'mid.txt', 40 * MB)]), defaults);
    t.is(mid.length, 2, 'ranges under 4 x 8 MiB are not cut');
    // The reduce merges up to fanIn runs in one pass (and splits it, to a stream): the tail stays within it.
    const huge = await stat([sized(dir, 'huge.txt', 1400 * MB)]);
    t.is(planSplits(huge, defaults).length, 12 + 2 * 3, 'no fan-in given: 12 even ranges of 117 MB, the last 2 cut in 4');
    const capped = planSplits(huge, { ...defaults, fanIn: 16 });
    t.is(capped.length, 16, 'fan-in 16: the 2 cut ranges add 2 tasks each, not 3');
    t.is(tiles(capped), '');
    t.is(planSplits(huge, { ...defaults, fanIn: 13 }).length, 12, 'no room for a cut: none');
    t.is(planSplits(huge, { ...defaults, fanIn: 9 }).length, 12 + 2 * 3, 'already past the fan-in: cut as usual');
  } finally {
    cleanup();
  }
});

test('explicit mapTasks is shared out by size; unsplittable files take one each', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const a = sized(dir, 'a.txt', 30 * MB);
    const b = sized(dir, 'b.txt', 10 * MB);
    const gz = sized(dir, 'c.txt.gz', 50 * MB);
    const files = await stat([a, b, gz]);
    const plan = planSplits(files, { ...defaults, mapTasks: 9 });
    t.deepEqual([count(plan, a), count(plan, b), count(plan, gz)], [6, 2, 1]);
    const one = planSplits(files, { ...defaults, mapTasks: 1 });
    t.deepEqual([count(one, a), count(one, b), count(one, gz)], [1, 1, 1], 'a task never spans two files');
    t.is(tiles(plan), '');
  } finally {
    cleanup();
  }
});

test('any size, workers, threshold and split size: ranges tile the file (fast-check)', (t) => {
  const file = (size: number): InputFile => ({ name: 'f', path: 'f', size, mtimeMs: 0, gz: false });
  // Sizes from tiny (more workers than bytes) to 1 TiB; at most ~4096 splits per file.
  const sizes = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 100 })),
    fc.integer({ min: 0, max: 2 ** 40 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: Math.max(1, Math.ceil(size / 4096)), max: 2 ** 34 }))),
  );
  fc.assert(fc.property(
    sizes, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2 ** 36 }), fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    ([size, splitSize], workers, threshold, mapTasks) => {
      const plan = planSplits([file(size)], { workers, threshold, splitSize, mapTasks, splittable: true });
      t.is(tiles(plan), '');
      const order = scheduleOrder(plan);
      t.is(new Set(order).size, plan.length);
      if (mapTasks === undefined && size > 1) {
        t.true(plan.length >= Math.min(workers, Math.ceil(size / MIN_SPLIT_BYTES)));
        if (size > threshold) t.true(plan.length >= Math.min(workers, size));
      }
    },
  ), { numRuns: 500 });
});

test('a real file read range by range gives back every line once, in order (the LineRecordReader rule)', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'lines.txt');
    const lines = Array.from({ length: 400_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const [f] = await stat([path]);
    t.true(f.size > MIN_SPLIT_BYTES);
    for (const o of [{ ...defaults, workers: 2 }, { ...defaults, workers: 7 }, { ...defaults, mapTasks: 13 }]) {
      const plan = planSplits([f], o);
      t.true(plan.length > 1);
      const fd = openSync(path, 'r');
      const got: Buffer[] = [];
      try {
        for (const s of plan) for await (const c of fileChunks(fd, { start: s.start, end: s.end, chunkSize: 64 * 1024 })) got.push(Buffer.from(c));
      } finally {
        closeSync(fd);
      }
      t.true(Buffer.concat(got).equals(readFileSync(path)), `${plan.length} ranges`);
    }
  } finally {
    cleanup();
  }
});

test('streaming forced on a mid-size file runs one task per worker; output equals the in-memory path', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'words.txt');
    const words = ['a', 'bb', 'ccc', 'dd', 'e', 'ff', 'g'];
    const line = (i: number) => `${words[i % 7]} ${words[(i * 3) % 7]}${i % 101} ${words[(i * 5) % 7]}`;
    writeFileSync(path, `${Array.from({ length: 1_100_000 }, (_, i) => line(i)).join('\n')}\n`);
    const gz = join(dir, 'small.txt.gz');
    writeFileSync(gz, gzipSync('a b\nccc\n'));
    const job = join(FIXTURES, 'wordcount.ts');
    const streamed = await runJob(job, { inputs: [path, gz], output: join(dir, 's'), streaming: true, workers: 2, reducers: 2 });
    t.is(streamed.mapTasks, 3, `${readFileSync(path).length} bytes: 2 ranges, + 1 for the .gz`);
    const whole = await runJob(job, { inputs: [path, gz], output: join(dir, 'm'), streaming: false, reducers: 2 });
    t.false(whole.streaming);
    t.deepEqual(readParts(join(dir, 's')), readParts(join(dir, 'm')));
  } finally {
    cleanup();
  }
});
