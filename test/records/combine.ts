// combine(): map-side aggregation under a byte budget. Oracles: a Map fold of the same pairs (every key's
// spilled partials add up to its total), and the stage's own backpressure — a spill is handed out only as
// downstream reads it, and no input is taken meanwhile, so a spill and a fresh table are never held at once.
import test from 'ava';
import fc from 'fast-check';
import { Readable, Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { combine, flatMap, pipe, readChunks, splitLines, type Pair } from '../../operators/index.ts';
import { HashCombiner } from '../../operators/shuffle/keyed/combiner.ts';

test('combine(sum) under any budget and batch size: the partials of each key add up to a Map fold; each spill is sorted', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 })), { maxLength: 40 }), { maxLength: 30 }),
    fc.integer({ min: 2_000, max: 20_000 }), fc.integer({ min: 1, max: 50 }),
    async (batches, memory, batchSize) => {
      const got = new Map<string, number>();
      const out: Pair<number>[][] = [];
      await pipeline(
        Readable.from(batches.filter((b) => b.length > 0), { objectMode: true }),
        combine('sum', { memory, batchSize }),
        new Writable({ objectMode: true, write(b: Pair<number>[], _e, cb) { out.push(b); cb(); } }),
      );
      for (const b of out) {
        t.true(b.length >= 1 && b.length <= batchSize);
        for (const [k, v] of b) got.set(k, (got.get(k) ?? 0) + v);
      }
      const want = new Map<string, number>();
      for (const [k, v] of batches.flat()) want.set(k, (want.get(k) ?? 0) + v);
      t.deepEqual([...got].sort(), [...want].sort());
    },
  ), { numRuns: 40 });
});

test('combine holds its input while a spill waits for a reader: writes stop completing until downstream reads', async (t) => {
  // 256 KiB of table: distinct keys spill every ~1,000 pairs.
  const stage = combine('sum', { memory: 256 * 1024, batchSize: 16 });
  let accepted = 0;
  const write = (i: number): Promise<void> => new Promise((resolve) => {
    const pairs: Pair<number>[] = Array.from({ length: 100 }, (_, j) => [`key-${i}-${j}`, 1]);
    stage.write(pairs, () => { accepted++; resolve(); });
  });
  // Nobody reads: after the first spill fills the readable side, writes must stop completing.
  const pending = Array.from({ length: 100 }, (_, i) => write(i));
  await new Promise((r) => setTimeout(r, 200));
  t.true(accepted < 30, `accepted ${accepted} batches with no reader`);
  // …and the spill waits in the table's sorted array, not in the stream's buffer (one batch past its mark).
  t.true(stage.readableLength <= 3, `${stage.readableLength} batches buffered`);
  // A reader drains everything, and every write then completes.
  const out: Pair<number>[] = [];
  stage.on('data', (b: Pair<number>[]) => out.push(...b));
  await Promise.all(pending);
  stage.end();
  await new Promise((r) => stage.on('end', r));
  t.is(accepted, 100);
  t.is(out.length, 100 * 100);
  t.is(new Set(out.map(([k]) => k)).size, 100 * 100);
});

/** The pairs combine passes on for `input`, or the error it fails with. */
async function combined<V>(spec: 'sum' | 'count', input: Pair<V>[][]): Promise<Pair<number>[]> {
  const out: Pair<number>[] = [];
  await pipeline(
    Readable.from(input, { objectMode: true }),
    // Values of any type, as from JSON or the wire: the typed overloads would refuse them at compile time.
    (combine as unknown as (s: string, o: object) => Duplex)(spec, { memory: 4096, batchSize: 3 }),
    new Writable({ objectMode: true, write(b: Pair<number>[], _e, cb) { out.push(...b); cb(); } }),
  );
  return out;
}

test('combine(sum) adds numbers: decimal strings are numbers, anything else or an overflow is an error naming the key', async (t) => {
  t.deepEqual(await combined<unknown>('sum', [[['k', '3'], ['k', 4], ['j', ' 2.5 ']], [['k', '-1e0']]]), [['j', 2.5], ['k', 6]]);
  t.deepEqual(await combined<unknown>('count', [[['k', 'x'], ['k', null], ['j', {}]]]), [['j', 1], ['k', 2]]);
  await t.throwsAsync(combined<unknown>('sum', [[['k', 1], ['bad key', 'x']]]), { message: /sum: the value "x" for key "bad key" is not a finite number/ });
  await t.throwsAsync(combined<unknown>('sum', [[['k', NaN]]]), { message: /for key "k" is not a finite number/ });
  // The overflow is caught when the table spills, before any pair of that spill goes out.
  await t.throwsAsync(combined('sum', [[['a', 1], ['big', 1e308]], [['big', 1e308]]]), { message: /sum for key "big" is Infinity: the values overflow/ });
});

test('combine(sum) holds keys as UTF-8, as a run file does: a lone surrogate is U+FFFD, so each key has one spelling and comes out once', async (t) => {
  t.deepEqual(
    await combined('sum', [[['\uD800', 1], ['\uFFFD', 2], ['a\uDC00b', 3]], [['a\uFFFDb', 4], ['\uD800', 5]]]),
    [['a\uFFFDb', 7], ['\uFFFD', 8]],
  );
});

test('combine(sum|count) table keeps to its byte budget: held bytes never pass it (once past the empty table\'s), and every key\'s spilled totals add up (property)', (t) => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.string({ maxLength: 20, unit: 'binary' }), fc.integer({ min: -3, max: 3 })), { maxLength: 3000 }),
    fc.integer({ min: 512, max: 64 * 1024 }), fc.boolean(),
    (pairs, memory, count) => {
      const got = new Map<string, number>();
      let last: string | undefined;
      const table = new HashCombiner<number, number>(count ? 'count' : 'sum', {
        memory,
        onSpill(spill) {
          // Each spill: sorted by UTF-8 bytes, every key once.
          const out = spill.slice(0, spill.length);
          for (const [k, v] of out) {
            if (last !== undefined) t.true(Buffer.compare(Buffer.from(last), Buffer.from(k)) < 0);
            last = k;
            got.set(k, (got.get(k) ?? 0) + v);
          }
          last = undefined;
        },
      });
      const floor = table.bytesHeld;
      for (const [k, v] of pairs) {
        table.add(k, v);
        t.true(table.bytesHeld <= Math.max(memory, floor), `${table.bytesHeld} bytes held under ${memory}`);
      }
      table.flush();
      const want = new Map<string, number>();
      for (const [k, v] of pairs) {
        const key = Buffer.from(k).toString();
        want.set(key, (want.get(key) ?? 0) + (count ? 1 : v));
      }
      t.deepEqual([...got].sort(), [...want].sort());
    },
  ), { numRuns: 100 });
});

test('pipe(splitLines(), flatMap(…), combine(…)) takes each pair into the table as it is made: the same totals as the stages apart, under any budget and chunking (property)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-combine-'));
  const words = (l: string): Pair<number>[] => l.split(' ').filter((w) => w !== '').map((w): Pair<number> => [w, 1]);
  const totals = async (stages: () => Duplex[], file: string, chunkSize: number): Promise<Map<string, number>> => {
    const got = new Map<string, number>();
    await pipeline(readChunks(file, { chunkSize }), ...stages() as [Duplex],
      new Writable({ objectMode: true, write(b: Pair<number>[], _e, cb) {
        for (const [k, v] of b) got.set(k, (got.get(k) ?? 0) + v);
        cb();
      } }));
    return got;
  };
  try {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.constantFrom('a', 'bb', 'ccc', 'é', '中文', 'x1', 'y2', 'zz9'), { maxLength: 8 }).map((ws) => ws.join(' ')), { maxLength: 200 }),
      fc.boolean(), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 300, max: 5000 }),
      async (lines, lastLF, chunkSize, memory) => {
        const file = path.join(dir, 'in.txt');
        fs.writeFileSync(file, lines.join('\n') + (lastLF ? '\n' : ''));
        const fused = await totals(() => [pipe(splitLines(), flatMap(words), combine('sum', { memory, batchSize: 5 }))], file, chunkSize);
        const apart = await totals(() => [splitLines(), flatMap(words), combine('sum', { memory, batchSize: 5 })], file, chunkSize);
        const want = new Map<string, number>();
        for (const l of lines) for (const [w] of words(l)) want.set(w, (want.get(w) ?? 0) + 1);
        t.deepEqual([...fused].sort(), [...want].sort());
        t.deepEqual([...apart].sort(), [...want].sort());
      },
    ), { numRuns: 60 });
    // A map that throws fails the fused stage with its error.
    const file = path.join(dir, 'bad.txt');
    fs.writeFileSync(file, 'a b\nboom\nc\n');
    await t.throwsAsync(pipeline(readChunks(file), pipe(splitLines(), flatMap((l: string): Pair<number>[] => {
      if (l === 'boom') throw new Error('map failed on boom');
      return words(l);
    }), combine('sum')), new Writable({ objectMode: true, write(_b, _e, cb) { cb(); } })), { message: 'map failed on boom' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
