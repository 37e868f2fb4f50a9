import test from 'ava';
import fc from 'fast-check';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  combine, compareUtf8, externalSort, fnv1a, groupSorted, partition, partitionOf, partitionStreams, reduce,
  reduceSorted, mergingReducerOf, type PartitionedBatch,
} from '../../operators/shuffle/index.ts';
import type { Pair } from '../../operators/types.ts';
import { edgeLines, filesIn, gnuSort, tempDir } from './helpers.ts';
import fs from 'node:fs';
import { scale } from '../long.ts';

function batches<T>(records: T[], size = 100): Readable {
  const out: T[][] = [];
  for (let i = 0; i < records.length; i += size) out.push(records.slice(i, i + size));
  return Readable.from(out);
}

function collectInto<T>(into: T[]): Writable {
  return new Writable({
    objectMode: true,
    write(batch: T[], _e, cb) {
      into.push(...batch);
      cb();
    },
  });
}

test('externalSort in a pipeline equals LC_ALL=C sort, and cleans its temp dir', async (t) => {
  const tmp = tempDir();
  try {
    const lines = edgeLines(4000, 11);
    const out: string[] = [];
    await pipeline(batches(lines, 77), externalSort<string>({ memory: 30_000, fanIn: 2, tmpDir: tmp, encoding: 'latin1', batchSize: 50 }), collectInto(out));
    t.deepEqual(out, gnuSort(lines));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('an error thrown downstream removes the temp files', async (t) => {
  const tmp = tempDir();
  try {
    const lines = edgeLines(3000, 5);
    let seen = 0;
    const failing = new Writable({
      objectMode: true,
      write(_b, _e, cb) {
        cb(++seen === 2 ? new Error('downstream broke') : null);
      },
    });
    await t.throwsAsync(pipeline(batches(lines), externalSort<string>({ memory: 10_000, tmpDir: tmp, batchSize: 10 }), failing), { message: 'downstream broke' });
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('abort removes the temp files', async (t) => {
  const tmp = tempDir();
  try {
    const ac = new AbortController();
    let n = 0;
    const src = new Readable({
      objectMode: true,
      read() {
        // abort mid-input, once runs exist on disk
        if (++n === 50) ac.abort();
        this.push(edgeLines(200, n));
      },
    });
    const sort = externalSort<string>({ memory: 5_000, tmpDir: tmp, signal: ac.signal });
    await t.throwsAsync(pipeline(src, sort, collectInto([])), { name: 'AbortError' });
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('combine + externalSort + reduce equals an in-memory Map aggregation (property)', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '😀'), maxLength: 4 }), fc.integer({ min: -100, max: 100 })), { maxLength: 500 }),
      fc.integer({ min: 200, max: 20_000 }),
      fc.integer({ min: 2, max: 5 }),
      fc.constantFrom('sum' as const, 'count' as const, 'min' as const, 'max' as const),
      async (pairs, memory, fanIn, how) => {
        const expected = new Map<string, number>();
        for (const [k, v] of pairs) {
          const a = expected.get(k);
          const x = how === 'count' ? 1 : v;
          expected.set(k, a === undefined ? x : how === 'min' ? Math.min(a, v) : how === 'max' ? Math.max(a, v) : a + x);
        }
        const out: Pair<number>[] = [];
        await pipeline(
          batches(pairs as Pair<number>[], 37),
          combine<number>(how, { memory }),
          externalSort<Pair<number>>({ memory, fanIn }),
          reduce<number, number>(mergingReducerOf(how) as 'sum'),
          collectInto(out),
        );
        t.deepEqual(out, [...expected].sort((a, b) => compareUtf8(a[0], b[0])));
      },
    ),
    { numRuns: scale(15, 40) },
  );
  t.pass();
});

test('partitionOf is FNV-1a 32-bit of the UTF-8 bytes (published test vectors)', (t) => {
  t.is(fnv1a(''), 0x811c9dc5);
  t.is(fnv1a('a'), 0xe40c292c);
  t.is(fnv1a('foobar'), 0xbf9cf968);
  for (const k of ['é', '中文', '😀', 'a\ud800b', 'mixed é 😀 x']) {
    let h = 0x811c9dc5;
    for (const b of Buffer.from(k)) h = Math.imul(h ^ b, 0x01000193);
    t.is(fnv1a(k), h >>> 0, k);
    t.is(fnv1a(Buffer.from(k).toString('latin1'), 'latin1'), h >>> 0, `${k} as latin1 bytes`);
  }
  t.is(partitionOf('foobar', 7), 0xbf9cf968 % 7);
});

test('partition: tagged batches and n output streams route every pair by the hash', async (t) => {
  const pairs: Pair<number>[] = Array.from({ length: 2000 }, (_, i) => [`k${i % 301}`, i]);
  const tagged: PartitionedBatch<number>[] = [];
  await pipeline(batches(pairs), partition<number>(4), new Writable({ objectMode: true, write(b, _e, cb) { tagged.push(b); cb(); } }));
  for (const b of tagged) for (const [k] of b.pairs) t.is(partitionOf(k, 4), b.partition);
  t.is(tagged.reduce((n, b) => n + b.pairs.length, 0), pairs.length);

  const { input, outputs } = partitionStreams<number>(3);
  const got = outputs.map(() => [] as Pair<number>[]);
  await Promise.all([
    pipeline(batches(pairs, 10), input),
    ...outputs.map((o, i) => pipeline(o, collectInto(got[i]))),
  ]);
  for (let i = 0; i < 3; i++) t.deepEqual(got[i], pairs.filter(([k]) => partitionOf(k, 3) === i));
});

test('groupSorted streams a key with many values and skips what the reducer leaves', (t) => {
  function* pairs(): Generator<Pair<number>> {
    yield ['a', 1];
    for (let i = 0; i < 3_000_000; i++) yield ['big', 1];
    yield ['c', 5];
    yield ['c', 6];
  }
  const seen: [string, number][] = [];
  groupSorted(pairs(), (key, values) => {
    let n = 0;
    for (const v of values) {
      n += v;
      if (key === 'c') break;
    }
    seen.push([key, n]);
  });
  t.deepEqual(seen, [['a', 1], ['big', 3_000_000], ['c', 5]]);
  const sums: [string, number][] = [];
  reduceSorted(pairs(), 'sum', (k, v) => sums.push([k, v as number]));
  t.deepEqual(sums, [['a', 1], ['big', 3_000_000], ['c', 11]]);
});

test("the operators' built-ins are the runtime's: numbers are numbers; a non-number or an overflow names the key", async (t) => {
  const run = (pairs: Pair<unknown>[], r: 'sum' | 'max' | 'min' | 'count'): [string, unknown][] => {
    const out: [string, unknown][] = [];
    reduceSorted(pairs, r, (k, v) => out.push([k, v]));
    return out;
  };
  t.deepEqual(run([['a', '3'], ['a', '4']], 'sum'), [['a', 7]], "'3' + '4' is 7, not \"034\"");
  t.deepEqual(run([['k', '10'], ['k', '9']], 'max'), [['k', 10]], 'max of "10" and "9" is 10');
  t.deepEqual(run([['k', '10'], ['k', '9']], 'min'), [['k', 9]]);
  t.throws(() => run([['a', 1], ['a', 'x']], 'sum'), { message: 'sum: the value "x" for key "a" is not a finite number' });
  t.throws(() => run([['b', null]], 'max'), { message: 'max: the value null for key "b" is not a finite number' });
  t.throws(() => run([['c', 1e308], ['c', 1e308]], 'sum'), { message: /^sum for key "c" is Infinity: the values overflow/ });
  const piped = async (values: unknown[], how: 'sum' | 'count'): Promise<Pair<number>[]> => {
    const out: Pair<number>[] = [];
    await pipeline(
      batches(values.map((v): Pair<unknown> => ['a', v]), 2),
      combine<unknown>(how, { memory: 1 }),
      externalSort<Pair<number>>({ memory: 1 << 20 }),
      reduce<number, number>(mergingReducerOf(how) as 'sum'),
      collectInto(out),
    );
    return out;
  };
  t.deepEqual(await piped(['3', '4', 5], 'sum'), [['a', 12]]);
  t.deepEqual(await piped(['3', '4', 5], 'count'), [['a', 3]]);
  await t.throwsAsync(piped([1e308, 1e308, 1e308], 'sum'), { message: /^sum for key "a" is Infinity/ });
});

test('built-in reducers; collect over its cap names the key', (t) => {
  const pairs: Pair<number>[] = [['a', 3], ['a', 1], ['a', 2], ['b', 9]];
  const run = (r: Parameters<typeof reduceSorted<number, unknown>>[1]): [string, unknown][] => {
    const out: [string, unknown][] = [];
    reduceSorted(pairs, r, (k, v) => out.push([k, v]));
    return out;
  };
  t.deepEqual(run('sum'), [['a', 6], ['b', 9]]);
  t.deepEqual(run('count'), [['a', 3], ['b', 1]]);
  t.deepEqual(run('min'), [['a', 1], ['b', 9]]);
  t.deepEqual(run('max'), [['a', 3], ['b', 9]]);
  t.deepEqual(run('first'), [['a', 3], ['b', 9]]);
  t.deepEqual(run('collect'), [['a', [3, 1, 2]], ['b', [9]]]);
  t.deepEqual(run((k, vs) => k + [...vs].join('')), [['a', 'a312'], ['b', 'b9']]);
  t.throws(() => run('collect:2'), { message: /key "a" has more than 2 values/ });
  t.throws(() => run('median' as 'sum'), { message: /reducer must be a function or one of sum, count, min, max, first, collect, collect:N; got "median"/ });
});
