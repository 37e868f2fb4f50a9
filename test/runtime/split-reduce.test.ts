// A partition going to a stream is reduced by two tasks at once, split at a middle key of its runs
// (phases.ts, runs.ts: middleKey, KeyRange). The halves of a merge, one after the other, are the whole
// merge, for any runs (shared prefixes, equal keys, empty and non-ASCII keys); and a job run through the
// CLI with two workers writes the same stdout as GNU `sort | uniq -c`.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { middleKey, openMerged, openMergedRaw, runWriter, type KeyRange } from '../../lib/runtime/runs.ts';
import { pairLayout } from '../../operators/shuffle/runs/codec.ts';
import { mrpipe } from '../cli/helpers.ts';
import { byteOrder, tempDir } from './helpers.ts';

const KEYS = ['', 'a', 'ab', 'abc', 'abd', 'b', '#include <', '#include <stdio.h>', 'é', 'ée', '日本', 'z\u00ff', 'zz'];

let seq = 0;

function writeRuns(dir: string, runs: string[][]): string[] {
  const at = seq++;
  return runs.map((keys, i) => {
    const path = join(dir, `r${at}-${i}.run`);
    const w = runWriter(path, 1 << 14);
    [...keys].sort(byteOrder).forEach((key, j) => w.write({ key, value: i * 1000 + j }));
    w.close();
    return path;
  });
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

test('the merges of the keys before and from the middle key, one after the other, are the whole merge', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    let n = 0;
    fc.assert(fc.property(fc.array(fc.array(fc.constantFrom(...KEYS), { maxLength: 30, size: 'max' }), { minLength: 1, maxLength: 5 }), (runs) => {
      const paths = writeRuns(dir, runs.map((r) => r.map(String)));
      const middle = middleKey(paths, 1 << 14);
      if (runs.every((r) => r.length === 0)) return middle === undefined;
      if (!middle) return false;
      // The middle key is one of the keys: some record falls on its side.
      if (!KEYS.includes(middle.toString('utf8'))) return false;
      const whole = decoded(paths, dir);
      const halves = [...decoded(paths, dir, { to: middle }), ...decoded(paths, dir, { from: middle })];
      const wholeRaw = raw(paths, dir);
      const halvesRaw = [...raw(paths, dir, { to: middle }), ...raw(paths, dir, { from: middle })];
      n++;
      return JSON.stringify(whole) === JSON.stringify(halves) && JSON.stringify(wholeRaw) === JSON.stringify(halvesRaw)
        && halves.length === runs.flat().length;
    }), { numRuns: 200 });
    t.true(n > 100);
  } finally {
    cleanup();
  }
});

test('a split key outside the runs\' keys leaves one half empty', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const paths = writeRuns(dir, [['b', 'c'], ['b', 'd']]);
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
