// countWords / WordCounter: equal to `tr -s ' \t\n\v\f\r' '\n' | sort | uniq -c` (GNU, LC_ALL=C) under tiny
// budgets (many runs, merge passes), bytes ≥ 0x80, long words, CRLF; a property over any bytes, chunking,
// budget and fan-in against an in-memory Map; the private temp dir gone after completion, error, destroy().
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  WordCounter, countWords, formatWordCounts, wordCountLines, type WordCountBatch, type WordCounterOptions,
} from '../../operators/shuffle/index.ts';
import { readChunks } from '../../operators/lines/index.ts';
import { WordTable } from '../../operators/shuffle/words/wordtable.ts';
import { recordLength, recordStart } from '../../operators/shuffle/words/wordrecord.ts';
import { fnv1aBytes as hashBytes } from '../../operators/shuffle/keyed/hash.ts';
import { rng, tempDir } from './helpers.ts';

/** GNU's word count as `word<TAB>count` lines. */
function gnuCount(input: Buffer): Buffer {
  const r = spawnSync('sh', ['-c', "tr -s ' \\t\\n\\v\\f\\r' '\\n' | sed '/^$/d' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\t\\1/'"],
    { input, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

/** Counts `chunks` with a WordCounter; returns `word<TAB>count` lines and the stats. */
function count(chunks: Buffer[], opts: WordCounterOptions): { out: Buffer; counter: WordCounter } {
  const counter = new WordCounter(opts);
  for (const c of chunks) counter.write(c);
  const cur = counter.finish();
  const parts: Buffer[] = [];
  while (cur.advance()) parts.push(Buffer.from(cur.buf.subarray(cur.start, cur.end)), Buffer.from(`\t${cur.count}\n`));
  return { out: Buffer.concat(parts), counter };
}

function cut(input: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) out.push(input.subarray(i, i + size));
  return out;
}

/** Zipf-ish words, high-cardinality words, bytes ≥ 0x80, CRLF, every separator, some 300-byte words. */
function words(n: number, seed: number): Buffer {
  const r = rng(seed);
  const seps = [' ', '\t', '\n', '\r\n', '\v', '\f', '  \r', ' \n '];
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.5) parts.push(Buffer.from(`w${Math.floor(1 / (r() + 0.001))}`));
    else if (k < 0.8) parts.push(Buffer.from(`u${Math.floor(r() * 1e6).toString(36)}`));
    else if (k < 0.97) parts.push(Buffer.from([0xc3, 0xa9, 0x80 + Math.floor(r() * 128), 0x00, 0x41 + Math.floor(r() * 3)]));
    else parts.push(Buffer.alloc(200 + Math.floor(r() * 200), String.fromCharCode(97 + Math.floor(r() * 3))));
    parts.push(Buffer.from(seps[Math.floor(r() * seps.length)]));
  }
  return Buffer.concat(parts);
}

test('equals tr | sort | uniq -c with tiny budgets: many runs, more than one merge pass', (t) => {
  const dir = tempDir();
  try {
    const input = words(30_000, 1);
    const want = gnuCount(input);
    for (const [memory, fanIn, size] of [[8_000, 2, 777], [20_000, 3, 4096], [64_000, 8, 1 << 16], [1 << 26, 64, 1 << 20]]) {
      const { out, counter } = count(cut(input, size), { memory, fanIn, tmpDir: dir });
      t.true(out.equals(want), `memory ${memory} fanIn ${fanIn}`);
      if (memory < 1e6) {
        t.true(counter.stats.spills > fanIn, `spilled ${counter.stats.spills} runs`);
        t.true(counter.stats.mergePasses >= (fanIn < 8 ? 2 : 1), `${counter.stats.mergePasses} merge passes`);
      }
    }
    t.deepEqual(fs.readdirSync(dir), [], 'spill dirs removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a word longer than the whole budget, and a word across every chunk', (t) => {
  const dir = tempDir();
  try {
    const long = Buffer.alloc(50_000, 'x');
    const input = Buffer.concat([Buffer.from('a b '), long, Buffer.from(' b\r\n'), long, Buffer.from('y c')]);
    t.true(count(cut(input, 7), { memory: 4_000, fanIn: 2, tmpDir: dir }).out.equals(gnuCount(input)));
    t.true(count([input], { memory: 100, tmpDir: dir }).out.equals(gnuCount(input)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stages: countWords → wordCountLines equals uniq -c; batches give latin1 pairs', async (t) => {
  const dir = tempDir();
  try {
    const input = words(20_000, 2);
    const out: Buffer[] = [];
    await pipeline(Readable.from(cut(input, 5000)), countWords({ memory: 30_000, tmpDir: dir }), wordCountLines({ countFirst: true }),
      new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
    const want = gnuCount(input).toString('latin1').split('\n').filter(Boolean).map((l) => { const [w, c] = l.split('\t'); return `${c} ${w}\n`; }).join('');
    t.is(Buffer.concat(out).toString('latin1'), want);
    const batches: WordCountBatch[] = [];
    await pipeline(Readable.from([input]), countWords({ memory: 30_000, tmpDir: dir }), async (src: AsyncIterable<WordCountBatch>) => {
      for await (const b of src) batches.push(b);
    });
    const tsv = batches.map((b) => formatWordCounts(b).toString('latin1')).join('');
    t.is(tsv, gnuCount(input).toString('latin1'));
    t.is(batches.flatMap((b) => [...b.pairs()]).map(([w, c]) => `${w}\t${c}\n`).join(''), tsv);
    t.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function naive(bytes: Buffer): string {
  const m = new Map<string, number>();
  for (const w of bytes.toString('latin1').split(/[ \t\n\v\f\r]+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m].sort((a, b) => Buffer.compare(Buffer.from(a[0], 'latin1'), Buffer.from(b[0], 'latin1'))).map(([w, c]) => `${w}\t${c}\n`).join('');
}

test('property: any bytes, chunking, budget and fan-in give the in-memory Map count', (t) => {
  const dir = tempDir();
  try {
    const text = fc.array(fc.oneof(
      fc.constantFrom('a', 'b', 'ab', 'é', '\xff', '\x00', ' ', '\n', '\t', '\r', '\v', '\f', 'zz', 'a b', 'aaaaaaaaaaaaaaaaa'),
      fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u).toString('latin1')),
    ), { maxLength: 150 }).map((xs) => Buffer.from(xs.join(''), 'latin1'));
    fc.assert(fc.property(text, fc.array(fc.nat(2000), { maxLength: 6 }), fc.constantFrom(1, 300, 2000, 1 << 20), fc.integer({ min: 2, max: 5 }),
      (bytes, cuts, memory, fanIn) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) { chunks.push(bytes.subarray(prev, p)); prev = p; }
        const { out } = count(chunks, { memory, fanIn, tmpDir: dir });
        return out.toString('latin1') === naive(bytes);
      }), { numRuns: 300 });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the temp dir goes on completion, error and destroy(); nothing is made without a spill', async (t) => {
  const dir = tempDir();
  try {
    const input = words(5000, 3);
    const small = new WordCounter({ memory: 1 << 24, tmpDir: dir });
    small.write(input);
    t.is(small.tempDir, undefined);
    const c = new WordCounter({ memory: 4000, tmpDir: dir });
    c.write(input);
    const spillDir = c.tempDir as string;
    t.true(fs.existsSync(spillDir) && fs.readdirSync(spillDir).length > 0);
    t.is((fs.statSync(spillDir).mode & 0o777), 0o700);
    for (const f of fs.readdirSync(spillDir)) t.is(fs.statSync(path.join(spillDir, f)).mode & 0o777, 0o600);
    const cur = c.finish();
    while (cur.advance()) { /* drain */ }
    t.false(fs.existsSync(spillDir), 'completion');

    // Error: the input fails mid-stream.
    const failing = Readable.from((function* () { yield input; throw new Error('boom'); })());
    const stage = countWords({ memory: 4000, tmpDir: dir });
    await t.throwsAsync(pipeline(failing, stage, new Writable({ objectMode: true, write(_c, _e, cb) { cb(); } })), { message: 'boom' });
    t.deepEqual(fs.readdirSync(dir), [], 'error');

    // destroy() mid-output.
    const s2 = countWords({ memory: 20_000, tmpDir: dir });
    s2.end(words(150_000, 4)); // more batches than the readable side buffers
    await new Promise<void>((resolve) => s2.once('readable', resolve));
    t.true(s2.read() !== null);
    t.true(fs.readdirSync(dir).length > 0);
    s2.destroy();
    await new Promise((resolve) => s2.once('close', resolve));
    t.deepEqual(fs.readdirSync(dir), [], 'destroy');

    // A write error while spilling (the spill dir's parent is gone) is thrown and leaves nothing.
    const gone = path.join(dir, 'missing');
    const c3 = new WordCounter({ memory: 4000, tmpDir: gone });
    t.throws(() => c3.write(input), { code: 'ENOENT' });
    c3.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fanIn below 2 is refused', (t) => {
  t.throws(() => new WordCounter({ fanIn: 1 }), { instanceOf: RangeError });
});

test('readChunks → countWords → wordCountLines reuses input chunks and batches (many of each) and equals uniq -c', async (t) => {
  const dir = tempDir();
  try {
    // 120 k distinct words: ~15 batches of 8192, more than the pool keeps; 64 KiB chunks, released and reread.
    const parts: string[] = [];
    for (let i = 0; i < 120_000; i++) parts.push(`w${(i * 7919) % 120_000}${i % 3 === 0 ? '\n' : ' '}x${i % 97} `);
    const input = Buffer.from(parts.join(''), 'latin1');
    const file = path.join(dir, 'in.txt');
    fs.writeFileSync(file, input);
    const out: Buffer[] = [];
    await pipeline(readChunks(file, { chunkSize: 1 << 16 }), countWords({ memory: 4 << 20, tmpDir: dir }), wordCountLines(),
      new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
    t.true(Buffer.concat(out).equals(gnuCount(input)));
    t.deepEqual(fs.readdirSync(dir), ['in.txt']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('WordTable: same hash at lengths around the 255 escape, a count at its limit asks for a spill', (t) => {
  const table = new WordTable(1 << 16);
  const ws = [1, 253, 254, 255, 256, 300].flatMap((n) => [Buffer.alloc(n, 'a'), Buffer.concat([Buffer.alloc(n - 1, 'a'), Buffer.from('b')])]);
  // One hash for every word: each probe has to tell them apart by length and bytes.
  for (const w of ws) t.true(table.add(w, 0, w.length, 42, 2));
  for (const w of ws) t.true(table.add(w, 0, w.length, 42, 1));
  const big = Buffer.from('big');
  t.true(table.add(big, 0, 3, hashBytes(big, 0, 3), 0x7fffffff - 1));
  t.true(table.add(big, 0, 3, hashBytes(big, 0, 3), 1));
  t.false(table.add(big, 0, 3, hashBytes(big, 0, 3), 1), 'the count would overflow: spill first');
  const order = table.sortedOrder();
  const at = (r: number): [string, number] => {
    const s = recordStart(table.arena, r);
    return [table.arena.toString('latin1', s, s + recordLength(table.arena, r)), table.counts[r]];
  };
  const want: [string, number][] = [...ws.map((w): [string, number] => [w.toString('latin1'), 3]), ['big', 0x7fffffff]];
  want.sort((a, b) => Buffer.compare(Buffer.from(a[0], 'latin1'), Buffer.from(b[0], 'latin1')));
  t.deepEqual([...order].map(at), want);
  table.clear();
  t.true(table.add(big, 0, 3, hashBytes(big, 0, 3), 1));
  t.is(table.size, 1);
});

test('short words, then long ones, then short again under a small budget (the table re-splits at each spill)', (t) => {
  const dir = tempDir();
  try {
    const r = rng(7);
    const part = (n: number, len: () => number): string => Array.from({ length: n }, () => 'x'.repeat(len()) + Math.floor(r() * 3000).toString(36)).join(' ');
    const input = Buffer.from([part(20_000, () => 1), part(3_000, () => 250 + Math.floor(r() * 20)), part(20_000, () => 2)].join('\n'), 'latin1');
    t.is(count(cut(input, 4096), { memory: 200_000, tmpDir: dir }).out.toString('latin1'), naive(input));
    t.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('property: long shared prefixes under tiny budgets (many spills, tables full at every size) equal tr | sort | uniq -c', (t) => {
  const dir = tempDir();
  try {
    // The sort's scratch lives in the hash slots: tables of every capacity fill up and spill mid-chunk.
    const word = fc.tuple(
      fc.constantFrom('__builtin_ia32_', '#include <', 'gcc_assert', 'x', ''),
      fc.array(fc.constantFrom('a', 'b', '_', '\x00', '\xff', '9'), { maxLength: 30 }),
    ).map(([p, s]) => p + s.join('')).filter((w) => w.length > 0);
    const text = fc.array(fc.tuple(word, fc.constantFrom(' ', '\n', '\t\t', '\r\n')), { maxLength: 400 })
      .map((ws) => Buffer.from(ws.map(([w, s]) => w + s).join(''), 'latin1'));
    fc.assert(fc.property(text, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 200, max: 6000 }), fc.integer({ min: 2, max: 4 }),
      (bytes, chunk, memory, fanIn) => {
        const { out } = count(cut(bytes, chunk), { memory, fanIn, tmpDir: dir });
        return out.equals(gnuCount(bytes));
      }), { numRuns: 60 });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('property: early spills at any point (WordCounter.spillEarly, any fullness) equal tr | sort | uniq -c', (t) => {
  const dir = tempDir();
  try {
    const word = fc.oneof(fc.constantFrom('w1', 'w2', 'gcc_assert', 'x'), fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[ \t\n\v\f\r]/g, '_')));
    const text = fc.array(fc.tuple(word, fc.constantFrom(' ', '\n', '\r\n')), { maxLength: 300 })
      .map((ws) => Buffer.from(ws.map(([w, s]) => w + s).join(''), 'latin1'));
    fc.assert(fc.property(text, fc.integer({ min: 1, max: 300 }), fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 1 }),
      (bytes, chunk, fullness) => {
        const counter = new WordCounter({ memory: 20_000, tmpDir: dir });
        let early = 0;
        cut(bytes, chunk).forEach((c, i) => {
          counter.write(c);
          if (counter.spillEarly(fullness[i % fullness.length])) early++;
        });
        const spills = counter.stats.spills;
        const cur = counter.finish();
        const parts: Buffer[] = [];
        while (cur.advance()) parts.push(Buffer.from(cur.buf.subarray(cur.start, cur.end)), Buffer.from(`\t${cur.count}\n`));
        return spills >= early && Buffer.concat(parts).equals(gnuCount(bytes));
      }), { numRuns: 40 });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('property: chunks over 256 KiB, many words of 500-8193 bytes between short ones, any budget: the Map count', (t) => {
  const dir = tempDir();
  try {
    const r = rng(11);
    // Long words (some of 8 KiB) between short ones, chunks across 2^18.
    const word = (): string => {
      const k = r();
      if (k < 0.02) return 'L'.repeat(8190 + Math.floor(r() * 4)) + String.fromCharCode(97 + Math.floor(r() * 2));
      if (k < 0.3) return 'M'.repeat(500 + Math.floor(r() * 7000)) + String.fromCharCode(97 + Math.floor(r() * 2));
      return `w${Math.floor(r() * (k < 0.6 ? 50 : 20000)).toString(36)}`;
    };
    fc.assert(fc.property(fc.integer({ min: 1000, max: 3000 }), fc.constantFrom(1 << 15, 1 << 18, 300_000, 1 << 21), fc.constantFrom(200_000, 1 << 24),
      (n, chunk, memory) => {
        const bytes = Buffer.from(Array.from({ length: n }, word).join(r() < 0.5 ? ' ' : '\n'), 'latin1');
        const { out } = count(cut(bytes, chunk), { memory, tmpDir: dir });
        return out.toString('latin1') === naive(bytes);
      }), { numRuns: 8 });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
