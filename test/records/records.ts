// Records at the edges: batch()/unbatch() between one-record streams (stream-json, highland, object mode)
// and mrpipe's batches, and aggregate() taking [key, value] pairs to final totals under a byte budget.
// Oracles: the input itself (batching loses and reorders nothing), a Map fold, and `sort | uniq -c`.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { type Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import highland from 'highland';
import streamArray from 'stream-json/streamers/stream-array.js';
import {
  aggregate, batch, flatMap, map, pipe, readChunks, splitLines, unbatch, type Pair,
} from '../../operators/index.ts';

async function collect<T>(source: Readable, ...stages: Duplex[]): Promise<T[]> {
  const out: T[] = [];
  await pipeline(source, ...(stages as [Duplex]), new Writable({ objectMode: true, write(c: T, _e, cb) { out.push(c); cb(); } }));
  return out;
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-records-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('batch: every record once, in order; no batch over the count bound or empty; bytes bound each batch but its last record', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.tuple(fc.string(), fc.integer())), { maxLength: 300 }),
    fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 2000 }),
    async (records, max, bytes) => {
      const sizeOf = (r: unknown): number => JSON.stringify(r).length + 8;
      const batches = await collect<unknown[]>(Readable.from(records, { objectMode: true }), batch({ records: max, bytes, sizeOf }));
      t.deepEqual(batches.flat(), records);
      for (const b of batches) {
        t.true(b.length >= 1 && b.length <= max);
        const before = b.slice(0, -1).reduce((n: number, r) => n + sizeOf(r), 0);
        t.true(before < bytes, 'a batch ends at the record that reaches the byte bound');
      }
    }), { numRuns: 60 });
});

test('unbatch is batch\'s inverse; a null record or a chunk that is not a batch is an error saying where', async (t) => {
  const records = Array.from({ length: 1000 }, (_, i) => ({ id: i }));
  t.deepEqual(await collect(Readable.from(records, { objectMode: true }), batch({ records: 7 }), unbatch()), records);
  const nul = await t.throwsAsync(collect(Readable.from([[1, 2], [3, null]], { objectMode: true }), unbatch()));
  t.regex(nul.message, /unbatch: record 1 of batch 2 is null/);
  const notBatch = await t.throwsAsync(collect(Readable.from(['text'], { objectMode: true }), unbatch()));
  t.regex(notBatch.message, /unbatch: chunk 1 is not a batch .*a string/);
  t.throws(() => batch({ records: 0 }), { message: /batch: records must be a positive integer, got 0/ });
});

test('aggregate(sum) over words under a 128 KiB budget (it spills and merges) equals sort | uniq -c; its temp dir is gone after', async (t) => {
  const dir = tempDir(t);
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const lines = Array.from({ length: 5000 }, (_, i) => `w${(i * 7919) % 4001} x${i % 13} ${'é'.repeat(i % 3)}v${(i * 31) % 733}`);
  const input = path.join(dir, 'in.txt');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const out = await collect<Pair<number>>(readChunks(input),
    pipe(splitLines(), flatMap((l: string) => l.split(' ').filter(Boolean).map((w): Pair<number> => [w, 1]))),
    aggregate('sum', { memory: 128 * 1024, tmpDir: tmp }), unbatch());
  const oracle = execFileSync('bash', ['-c', `tr ' ' '\\n' < in.txt | grep -v '^$' | sort | uniq -c | awk '{print $2"\\t"$1}'`],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  t.is(out.map(([k, v]) => `${k}\t${v}\n`).join(''), oracle, 'same totals, in byte order of the key');
  t.deepEqual(fs.readdirSync(tmp), [], 'no runs left behind');
});

test('aggregate(count | min | max | a merge function) equals a Map fold, keys in byte order', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: -1000, max: 1000 })), { maxLength: 400 }),
    fc.constantFrom('count', 'min', 'max', 'merge'),
    async (pairs, how) => {
      const spec = how === 'merge' ? (a: number, b: number) => a * 31 + b : how;
      const fold = new Map<string, number>();
      for (const [k, v] of pairs) {
        const had = fold.get(k);
        fold.set(k, had === undefined ? (how === 'count' ? 1 : v)
          : how === 'count' ? had + 1 : how === 'min' ? Math.min(had, v) : how === 'max' ? Math.max(had, v) : had * 31 + v);
      }
      const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
      const want = [...fold].sort((a, b) => byBytes(a[0], b[0]));
      // A tiny budget: the table spills every few pairs, the sort spills runs.
      const got = await collect<Pair<number>>(Readable.from([pairs], { objectMode: true }),
        aggregate(spec as 'count', { memory: 2048 }), unbatch());
      if (how === 'merge') t.deepEqual(got.map(([k]) => k), want.map(([k]) => k)); // order of merging is free
      else t.deepEqual(got, want);
    }), { numRuns: 40 });
});

test('aggregate(collect) gathers each key\'s values across spills; aggregate(first) keeps one of them', async (t) => {
  const pairs = Array.from({ length: 3000 }, (_, i): Pair<string> => [`k${(i * 7) % 50}`, `v${i}`]);
  const want = new Map<string, string[]>();
  for (const [k, v] of pairs) want.set(k, [...(want.get(k) ?? []), v]);
  const got = await collect<Pair<string[]>>(Readable.from([pairs.slice(0, 1500), pairs.slice(1500)], { objectMode: true }),
    aggregate<string>('collect', { memory: 4096 }), unbatch());
  t.deepEqual(got.map(([k, vs]) => [k, [...vs].sort()]), [...want].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, vs]) => [k, vs.sort()]));
  const first = await collect<Pair<string>>(Readable.from([pairs], { objectMode: true }), aggregate<string>('first', { memory: 4096 }), unbatch());
  t.is(first.length, want.size);
  for (const [k, v] of first) t.true(want.get(k)?.includes(v));
});

test('stream-json users: a JSON array of events → batch → aggregate(sum) → unbatch gives each key\'s total', async (t) => {
  const dir = tempDir(t);
  const events = Array.from({ length: 5000 }, (_, i) => ({ user: `u${(i * 13) % 97}`, bytes: (i * 7) % 1000 }));
  const file = path.join(dir, 'events.json');
  fs.writeFileSync(file, JSON.stringify(events));
  // stream-json passes one {key, value} per chunk: batch them, then mrpipe's record stages apply.
  const sums = await collect<Pair<number>>(fs.createReadStream(file), streamArray.withParserAsStream(),
    batch<{ value: { user: string; bytes: number } }>({ records: 256 }),
    map(({ value }: { value: { user: string; bytes: number } }): Pair<number> => [value.user, value.bytes]),
    aggregate('sum', { memory: 32 * 1024, tmpDir: dir }), unbatch());
  const want = new Map<string, number>();
  for (const e of events) want.set(e.user, (want.get(e.user) ?? 0) + e.bytes);
  t.deepEqual(sums, [...want].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
});

test('highland users: through(batch()) → through(aggregate(count)) → through(unbatch()) gives each key\'s count', async (t) => {
  const words = Array.from({ length: 3000 }, (_, i) => `k${(i * 17) % 101}`);
  const pairs = words.map((w): Pair<string> => [w, w]);
  const counts = await highland<Pair<string>>(pairs)
    .through(batch<Pair<string>>({ records: 64 }))
    .through(aggregate<string>('count', { memory: 16 * 1024 }))
    .through(unbatch<Pair<number>>())
    .collect()
    .toPromise(Promise);
  const want = new Map<string, number>();
  for (const w of words) want.set(w, (want.get(w) ?? 0) + 1);
  t.deepEqual(counts, [...want].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
});
