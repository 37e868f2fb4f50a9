// A partition going to a stream is reduced by a task per worker at once, cut into key ranges at keys of
// the map tasks' run indexes (phases.ts, runs.ts: RunIndexer, rangesByIndex, KeyRange). The pieces of a
// merge, one after the other, are the whole merge, for any runs (shared prefixes, equal keys, empty and
// non-ASCII keys) and any index spacing; and a job run through the CLI with two workers writes the same
// stdout as GNU `sort | uniq -c`.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openMerged, openMergedRaw, rangesByIndex, RunIndexer, runWriter, type KeyRange, type RunIndex } from '../../lib/runtime/runs.ts';
import { pairLayout, rawCodec } from '../../operators/shuffle/runs/codec.ts';
import { RunReader } from '../../operators/shuffle/runs/runfile.ts';
import { mrpipe } from '../cli/helpers.ts';
import { byteOrder, tempDir } from './helpers.ts';

const KEYS = ['', 'a', 'ab', 'abc', 'abd', 'b', '#include <', '#include <stdio.h>', 'é', 'ée', '日本', 'z\u00ff', 'zz'];

let seq = 0;

/** Writes each run's keys sorted, indexed about every `every` bytes. */
function writeRuns(dir: string, runs: string[][], every = 1 << 16): { paths: string[]; indexes: RunIndex[] } {
  const at = seq++;
  const indexes: RunIndex[] = [];
  const paths = runs.map((keys, i) => {
    const path = join(dir, `r${at}-${i}.run`);
    const w = runWriter(path, 1 << 14);
    const index = (w.sampler = new RunIndexer(every));
    [...keys].sort(byteOrder).forEach((key, j) => w.write({ key, value: i * 1000 + j }));
    w.close();
    indexes.push(index.indexOf(w));
    return path;
  });
  return { paths, indexes };
}

const opts = (dir: string) => ({ fanIn: 16, bufferSize: 1 << 14, scratchDir: dir });

/** [key, value] of every record of a decoded merge. */
function decoded(paths: string[], dir: string, range?: KeyRange): [string, unknown][] {
  const out: [string, unknown][] = [];
  const cur = openMerged(paths, opts(dir), range);
  while (cur.advance()) out.push([cur.current.key, cur.current.value]);
  return out;
}

/** The payload bytes of every record of a raw merge, as hex. */
function raw(paths: string[], dir: string, range?: KeyRange): string[] {
  const out: string[] = [];
  const cur = openMergedRaw(paths, opts(dir), range);
  while (cur.advance()) out.push(cur.current.buf.subarray(cur.current.start, cur.current.end).toString('hex'));
  return out;
}

test('the merges of the key ranges cut at indexed keys, one after the other, are the whole merge', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    let split = 0;
    fc.assert(fc.property(
      fc.array(fc.array(fc.constantFrom(...KEYS), { maxLength: 40, size: 'max' }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2, max: 4 }),
      (runs, every, pieces) => {
        const { paths, indexes } = writeRuns(dir, runs, every);
        const ranges = rangesByIndex(indexes, pieces);
        if (runs.every((r) => r.length === 0)) return ranges === undefined;
        if (!ranges) return new Set(indexes.flatMap((ix) => ix.keys)).size <= 1; // no two keys indexed: nothing to cut at
        split++;
        if (ranges.length > pieces || ranges.some((r) => r.starts?.length !== paths.length)) return false;
        // Each cut is a key of the runs: some record falls on its side.
        if (ranges.some((r) => r.from && !KEYS.includes(Buffer.from(r.from).toString('utf8')))) return false;
        const whole = decoded(paths, dir);
        const pieced = ranges.flatMap((r) => decoded(paths, dir, r));
        const wholeRaw = raw(paths, dir);
        const piecedRaw = ranges.flatMap((r) => raw(paths, dir, r));
        return JSON.stringify(whole) === JSON.stringify(pieced) && JSON.stringify(wholeRaw) === JSON.stringify(piecedRaw)
          && pieced.length === runs.flat().length;
      },
    ), { numRuns: 300 });
    t.true(split > 100);
  } finally {
    cleanup();
  }
});

test('a run index holds frames in key order at their offsets, at most 512 of them however long the run', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${String(i).padStart(6, '0')}`);
    const { paths: [path], indexes: [index] } = writeRuns(dir, [keys], 32);
    t.true(index.keys.length > 256 && index.keys.length <= 512, `${index.keys.length} entries`);
    t.is(index.offsets[0], 0);
    for (let j = 1; j < index.keys.length; j++) t.true(index.keys[j - 1] < index.keys[j] && index.offsets[j - 1] < index.offsets[j]);
    // A reader started at an indexed offset reads that frame first, then the rest of the run.
    const j = index.keys.length >> 1;
    const reader = new RunReader(path, rawCodec(), 1 << 12, undefined, index.offsets[j]);
    const got: string[] = [];
    while (reader.advance()) {
      const r = reader.current;
      const { keyStart, keyEnd } = pairLayout(r.buf, r.start, { keyStart: 0, keyEnd: 0 });
      got.push(r.buf.latin1Slice(keyStart, keyEnd));
    }
    t.is(got[0], index.keys[j]);
    t.deepEqual(got, keys.slice(keys.indexOf(index.keys[j])));
    // Cut in four: pieces of about equal bytes, each run started within a spacing of its piece.
    const ranges = rangesByIndex([index], 4) ?? [];
    t.is(ranges.length, 4);
    const sizes = ranges.map((r) => decoded([path], dir, r).length);
    t.is(sizes.reduce((a, b) => a + b), keys.length);
    for (const n of sizes) t.true(Math.abs(n - keys.length / 4) < keys.length / 20, `${sizes}`);
    for (const r of ranges.slice(1)) t.true((r.starts?.[0] ?? 0) > 0);
  } finally {
    cleanup();
  }
});

test('no cut without an index: a run written before indexes is merged by one task', (t) => {
  t.is(rangesByIndex([undefined, undefined], 2), undefined);
  t.is(rangesByIndex([{ keys: ['a'], offsets: [0], bytes: 10 }], 2), undefined, 'one key: nothing to cut at');
});

test('a split key outside the runs\' keys leaves one half empty', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const { paths } = writeRuns(dir, [['b', 'c'], ['b', 'd']]);
    const all = raw(paths, dir);
    t.deepEqual(raw(paths, dir, { to: Buffer.from('a') }), []);
    t.deepEqual(raw(paths, dir, { from: Buffer.from('a') }), all);
    t.deepEqual(raw(paths, dir, { to: Buffer.from('e') }), all);
    t.deepEqual(raw(paths, dir, { from: Buffer.from('e') }), []);
    // A bound that is a prefix of keys: 'b' < 'b\0'.
    const keyOf = (hex: string) => {
      const b = Buffer.from(hex, 'hex');
      const l = pairLayout(b, 0, { keyStart: 0, keyEnd: 0 });
      return b.subarray(l.keyStart, l.keyEnd).toString();
    };
    t.deepEqual(raw(paths, dir, { from: Buffer.from('b\0') }).map(keyOf), ['c', 'd']);
  } finally {
    cleanup();
  }
});

test('mrpipe run on two workers writes GNU sort | uniq -c\'s counts on stdout (sum, count, a reduce function)', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(`#include <w${(i * 7919) % 6007}.h> ${KEYS[i % KEYS.length] || 'x'} é${i % 13}`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const oracle = spawnSync('sh', ['-c', `tr -s ' ' '\\n' < '${input}' | LC_ALL=C sort | LC_ALL=C uniq -c | awk '{print $2"\\t"$1}'`], { encoding: 'utf8' }).stdout;
    const map = '(l, emit) => { for (const w of l.split(" ")) if (w) emit(w, 1) }';
    const reduceFn = '(k, vs) => { let n = 0; for (const v of vs) n += v; return n; }';
    for (const reduce of ['sum', 'count', reduceFn]) {
      const r = await mrpipe(['run', '--map', map, '--reduce', reduce, input, '--streaming', 'on', '--workers', '2', '--map-tasks', '4', '--memory', '8MB']);
      t.is(r.status, 0, r.stderr);
      t.is(r.stdout.toString(), oracle, reduce);
    }
  } finally {
    cleanup();
  }
});
