// Sorted batches: combine tags each spill's batches as one sorted sequence, partition keeps the tag on its
// pieces, and externalSort's Sorter writes such a sequence straight to a run (pushSorted). Oracle: a stable
// in-memory sort of the same records in input order, whatever mix of tagged pieces and untagged batches,
// budget and order options arrive; and the run count shows a long sequence was never held.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { combine, externalSort, partition, partitionStreams, type Pair, type PartitionedBatch } from '../../operators/index.ts';
import { fnv1a, partitionOf } from '../../operators/shuffle/keyed/hash.ts';
import { compareUtf8 } from '../../operators/shuffle/sort/compare.ts';
import { Sorter } from '../../operators/shuffle/sort/sorter.ts';
import { keyHashesOf, sortedRunOf, tagSorted } from '../../operators/shuffle/sort/sorted-batches.ts';
import { tempDir } from './helpers.ts';

type P = Pair<number>;
const byKey = (a: P, b: P): number => compareUtf8(a[0], b[0]);

/** What arrives at a sorter: untagged batches, or the pieces of one sorted sequence each tagged with it. */
type Arrival = { sorted: false; keys: string[] } | { sorted: true; keys: string[]; cuts: number[] };
const arrival: fc.Arbitrary<Arrival> = fc.oneof(
  fc.record({ sorted: fc.constant(false), keys: fc.array(fc.string({ maxLength: 5 }), { maxLength: 30 }) }),
  fc.record({
    sorted: fc.constant(true),
    keys: fc.array(fc.string({ maxLength: 5, unit: 'binary' }), { maxLength: 300 }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
  }),
);

/** Pairs numbered in input order (the value), batches tagged as arrival says. */
function batchesOf(arrivals: Arrival[]): { batches: P[][]; all: P[] } {
  const batches: P[][] = [];
  const all: P[] = [];
  for (const a of arrivals) {
    const keys = a.sorted ? [...a.keys].sort((x, y) => compareUtf8(x, y)) : a.keys;
    const base = all.length;
    const pairs = keys.map((k, i): P => [k, base + i]);
    all.push(...pairs);
    if (!a.sorted) {
      batches.push(pairs);
      continue;
    }
    const run = {};
    const cuts = [...new Set(a.cuts.map((c) => c % (pairs.length + 1)))].sort((x, y) => x - y);
    let at = 0;
    for (const c of [...cuts, pairs.length]) {
      batches.push(tagSorted(pairs.slice(at, c), run));
      at = c;
    }
  }
  return { batches, all };
}

test('pushSorted: any mix of sorted pieces and other batches, any budget, any order option: equals a stable sort (property)', (t) => {
  const dir = tempDir();
  try {
    fc.assert(fc.property(
      fc.array(arrival, { maxLength: 8 }),
      fc.integer({ min: 64, max: 20_000 }),
      fc.constantFrom({}, { reverse: true }, { unique: true }, { key: (p: P) => p[0].slice(1) }),
      (arrivals, memory, order) => {
        const { batches, all } = batchesOf(arrivals);
        const sorter = new Sorter<P>({ memory, tmpDir: dir, fanIn: 3, ...order });
        for (const b of batches) {
          const run = sortedRunOf(b);
          if (run) sorter.pushSorted(b, run);
          else sorter.pushAll(b);
        }
        const got = [...sorter.finish()];
        const key = ('key' in order && order.key) || ((p: P) => p[0]);
        let want = [...all].sort((a, b) => compareUtf8(key(a), key(b)) || a[1] - b[1]);
        if ('reverse' in order) want = [...all].sort((a, b) => compareUtf8(b[0], a[0]) || a[1] - b[1]);
        if ('unique' in order) want = want.filter((p, i) => i === 0 || want[i - 1][0] !== p[0]);
        t.deepEqual(got, want);
        t.deepEqual(fs.readdirSync(dir), [], 'the temp dir is gone once the output is read');
      },
    ), { numRuns: 300 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a long sorted sequence is written as one run, not held: one run however small the budget', (t) => {
  const dir = tempDir();
  try {
    const pairs = Array.from({ length: 50_000 }, (_, i): P => [`key-${String(i).padStart(6, '0')}`, i]);
    const run = {};
    const sorter = new Sorter<P>({ memory: 64 * 1024, tmpDir: dir });
    for (let i = 0; i < pairs.length; i += 4096) sorter.pushSorted(tagSorted(pairs.slice(i, i + 4096), run), run);
    // Another sequence, then an untagged batch: each ends the one before it.
    sorter.pushSorted(tagSorted(pairs.slice(0, 20_000), {}), {});
    sorter.pushAll([['a', -1]]);
    const got = [...sorter.finish()];
    t.is(sorter.stats.runs, 3, 'two sequences as a run each, the held batch spilled at the end');
    t.is(got.length, 70_001);
    t.deepEqual(got.slice(0, 3), [['a', -1], ['key-000000', 0], ['key-000000', 0]]);
    t.deepEqual(got, [...got].sort(byKey));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('dispose() while a sorted sequence is being written removes its run and the temp dir', (t) => {
  const dir = tempDir();
  try {
    const sorter = new Sorter<P>({ memory: 1024, tmpDir: dir });
    const run = {};
    sorter.pushSorted(tagSorted(Array.from({ length: 5000 }, (_, i): P => [String(i).padStart(5, '0'), i]), run), run);
    t.truthy(sorter.tempDir);
    t.true(fs.readdirSync(sorter.tempDir as string).length > 0, 'the run is open');
    sorter.dispose();
    t.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('combine tags each spill\'s batches with that spill; partition and partitionStreams keep the tag on every piece', async (t) => {
  const batches: P[][] = [];
  const input = Array.from({ length: 20 }, (_, b) => Array.from({ length: 500 }, (_, i): P => [`w${(b * 7919 + i * 104729) % 3000}`, 1]));
  await pipeline(
    Readable.from(input, { objectMode: true }),
    combine('sum', { memory: 64 * 1024, batchSize: 100 }),
    new Writable({ objectMode: true, write(b: P[], _e, cb) { batches.push(b); cb(); } }),
  );
  const runs = batches.map((b) => sortedRunOf(b));
  t.true(runs.every((r) => r !== undefined));
  const spills = [...new Set(runs)];
  t.true(spills.length > 1, 'the budget made several spills');
  for (const s of spills) {
    const pairs = batches.filter((_, i) => runs[i] === s).flat();
    t.deepEqual(pairs, [...pairs].sort(byKey), 'each spill is one ascending sequence');
  }
  const pieces: { partition: number; pairs: P[] }[] = [];
  await pipeline(Readable.from(batches, { objectMode: true }), partition<number>(3),
    new Writable({ objectMode: true, write(b: { partition: number; pairs: P[] }, _e, cb) { pieces.push(b); cb(); } }));
  t.true(pieces.every((p) => sortedRunOf(p.pairs) !== undefined && spills.includes(sortedRunOf(p.pairs) as object)));
  const { input: into, outputs } = partitionStreams<number>(2);
  const seen: (object | undefined)[] = [];
  const drained = outputs.map((o) => new Promise((r) => { o.on('data', (b: P[]) => seen.push(sortedRunOf(b))); o.on('end', r); }));
  await pipeline(Readable.from(batches, { objectMode: true }), into);
  await Promise.all(drained);
  t.true(seen.length > 0 && seen.every((r) => r !== undefined));
});

test('combine → externalSort under tiny budgets: every key once with its total, in byte order (the sequences go to runs)', async (t) => {
  const dir = tempDir();
  try {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 })), { maxLength: 60 }), { maxLength: 30 }),
      fc.integer({ min: 2_000, max: 40_000 }), fc.integer({ min: 64, max: 40_000 }),
      async (input, combineMemory, sortMemory) => {
        const out: P[] = [];
        await pipeline(
          Readable.from(input.filter((b) => b.length > 0), { objectMode: true }),
          combine('sum', { memory: combineMemory, batchSize: 7 }),
          externalSort<P>({ memory: sortMemory, tmpDir: dir, fanIn: 2 }),
          new Writable({ objectMode: true, write(b: P[], _e, cb) { out.push(...b); cb(); } }),
        );
        t.deepEqual(out, [...out].sort(byKey));
        const got = new Map<string, number>();
        for (const [k, v] of out) got.set(k, (got.get(k) ?? 0) + v);
        const want = new Map<string, number>();
        for (const [k, v] of input.flat()) want.set(k, (want.get(k) ?? 0) + v);
        t.deepEqual([...got].sort(), [...want].sort());
        t.deepEqual(fs.readdirSync(dir), []);
      },
    ), { numRuns: 60 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('combine(sum|count) tags its batches with each key\'s partition hash; partition routes by it exactly as by partitionOf (property)', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.string({ maxLength: 14, unit: 'binary' }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 300 }),
    fc.integer({ min: 1, max: 5 }), fc.constantFrom('sum', 'count'),
    async (pairs, n, spec) => {
      const batches: Pair<number>[][] = [];
      await pipeline(Readable.from([pairs], { objectMode: true }), combine(spec as 'sum', { memory: 4096, batchSize: 7 }),
        new Writable({ objectMode: true, write(b: Pair<number>[], _e, cb) { batches.push(b); cb(); } }));
      for (const b of batches) {
        const hashes = keyHashesOf(b);
        t.truthy(hashes);
        b.forEach(([k], i) => t.is(hashes![i], fnv1a(k), `key ${JSON.stringify(k)}`));
      }
      const routed: PartitionedBatch<number>[] = [];
      await pipeline(Readable.from(batches, { objectMode: true }), partition<number>(n),
        new Writable({ objectMode: true, write(b: PartitionedBatch<number>, _e, cb) { routed.push(b); cb(); } }));
      for (const { partition: p, pairs: ps } of routed) for (const [k] of ps) t.is(p, partitionOf(k, n));
      t.is(routed.reduce((s, r) => s + r.pairs.length, 0), batches.reduce((s, b) => s + b.length, 0));
    },
  ), { numRuns: 60 });
});
