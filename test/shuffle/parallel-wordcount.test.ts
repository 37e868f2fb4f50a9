// ParallelWordCounter / countWords({helpers}): helper threads count pieces cut at word separators; the
// result must be the same bytes as one thread's (GNU tr | sort | uniq -c and an in-memory Map as oracles),
// whatever the chunking, word lengths (longer than a slot) and spills on each thread; a failing helper
// fails the count (never a wrong one) and the shared temp dir always goes.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ParallelWordCounter, countWords, formatWordCounts, type ParallelWordCounterOptions, type WordCountBatch,
} from '../../operators/shuffle/index.ts';
import { rng, tempDir } from './helpers.ts';
import { scale } from '../long.ts';

/** GNU's word count as `word<TAB>count` lines. */
function gnuCount(file: string): Buffer {
  const r = spawnSync('sh', ['-c', "tr -s ' \\t\\n\\v\\f\\r' '\\n' < \"$0\" | sed '/^$/d' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\t\\1/'", file],
    { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

function naive(bytes: Buffer): string {
  const m = new Map<string, number>();
  for (const w of bytes.toString('latin1').split(/[ \t\n\v\f\r]+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m].sort((a, b) => Buffer.compare(Buffer.from(a[0], 'latin1'), Buffer.from(b[0], 'latin1'))).map(([w, c]) => `${w}\t${c}\n`).join('');
}

async function count(chunks: Buffer[], opts: ParallelWordCounterOptions): Promise<{ out: Buffer; counter: ParallelWordCounter; threads: number }> {
  const counter = new ParallelWordCounter(opts);
  let cur;
  let threads;
  try {
    for (const c of chunks) counter.write(c);
    threads = counter.threads;
    cur = await counter.finish();
  } catch (err) {
    counter.dispose(); // a failure must fail the test, not leave helpers running
    throw err;
  }
  const parts: Buffer[] = [];
  while (cur.advance()) parts.push(Buffer.from(cur.buf.subarray(cur.start, cur.end)), Buffer.from(`\t${cur.count}\n`));
  return { out: Buffer.concat(parts), counter, threads };
}

function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

/** High-cardinality words (more than one thread's table holds at the test's budget), bytes ≥ 0x80, every separator. */
function manyWords(bytes: number, seed: number): Buffer {
  const r = rng(seed);
  const seps = [' ', '\t', '\n', '\r\n', '\v', '\f', '  '];
  const out = Buffer.alloc(bytes + 64);
  let p = 0;
  while (p < bytes) {
    const k = r();
    const w = k < 0.3 ? `w${Math.floor(1 / (r() + 0.001))}` : k < 0.95 ? `u${Math.floor(r() * 4e6).toString(36)}` : `\xe9\xff${Math.floor(r() * 1000)}`;
    p += out.write(w, p, 'latin1');
    p += out.write(seps[Math.floor(r() * seps.length)], p, 'latin1');
  }
  return out.subarray(0, p);
}

test('property: any bytes and chunking with a helper thread give the in-memory Map count', async (t) => {
  const dir = tempDir();
  try {
    const text = fc.array(fc.oneof(
      fc.constantFrom('a', 'b', 'ab', 'é', '\xff', '\x00', ' ', '\n', '\t', '\r', '\v', '\f', 'zz', 'a b', 'aaaaaaaaaaaaaaaaa'),
      fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u).toString('latin1')),
    ), { maxLength: 200 }).map((xs) => Buffer.from(xs.join(''), 'latin1'));
    await fc.assert(fc.asyncProperty(text, fc.array(fc.nat(3000), { maxLength: 8 }), fc.constantFrom(0, 5, 40), async (bytes, cuts, startAfter) => {
      const { out } = await count(cutAt(bytes, cuts), { memory: 40 << 20, helpers: 1, startAfter, tmpDir: dir });
      return out.toString('latin1') === naive(bytes);
    }), { numRuns: scale(8, 25) });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('spills on both threads, merge passes, one range or a range per thread (split runs, spilled before the split): equals tr | sort | uniq -c; the shared dir is private and goes', async (t) => {
  const dir = tempDir();
  try {
    // 16 MiB with fan-in 2 (32 MiB, fan-in 3 under test:long): each thread spills: 4+ runs and 2+ merge
    // passes. Helpers started at once see an empty table: one range, merged here. Started after 4 MiB, the
    // calling thread has spilled already (its runs are split again) and each thread merges its own range.
    const input = manyWords(scale(16, 32) << 20, 7);
    const file = path.join(dir, 'in.txt');
    fs.writeFileSync(file, input);
    const want = gnuCount(file);
    const spills = path.join(dir, 'spills');
    fs.mkdirSync(spills);
    for (const startAfter of [0, 4 << 20]) {
      let seen: string | undefined;
      const names = new Set<string>();
      const chunks = cutAt(input, Array.from({ length: input.length >> 17 }, (_, i) => i * 131_071 + (i % 7)));
      const counter = new ParallelWordCounter({ memory: 40 << 20, helpers: 1, startAfter, fanIn: scale(2, 3), tmpDir: spills });
      for (const c of chunks) {
        counter.write(c);
        seen ??= counter.tempDir;
        if (seen !== undefined) for (const f of fs.readdirSync(seen)) names.add(f);
      }
      t.is(counter.threads, 1);
      t.is(fs.statSync(seen as string).mode & 0o777, 0o700);
      for (const f of fs.readdirSync(seen as string)) t.is(fs.statSync(path.join(seen as string, f)).mode & 0o777, 0o600);
      const cur = await counter.finish();
      const parts: Buffer[] = [];
      while (cur.advance()) parts.push(Buffer.from(cur.buf.subarray(cur.start, cur.end)), Buffer.from(`\t${cur.count}\n`));
      t.true(Buffer.concat(parts).equals(want), `startAfter ${startAfter}`);
      const ranges = new Set([...names].map((f) => /-r(\d+)-run-/.exec(f)?.[1]).filter((r) => r !== undefined));
      t.deepEqual([...ranges].sort(), startAfter === 0 ? ['0'] : ['0', '1'], 'runs of each range');
      if (startAfter > 0) t.true([...names].some((f) => f.startsWith('m-run-')), 'a run spilled before the split, split again');
      t.true(counter.stats.spills >= 4, `${counter.stats.spills} runs spilled`);
      t.true(counter.stats.mergePasses >= 2, `${counter.stats.mergePasses} merge passes`);
      t.log(`startAfter ${startAfter}: ${counter.stats.spills} runs, ${counter.stats.mergePasses} merge passes`);
      const words = input.toString('latin1').split(/[ \t\n\v\f\r]+/).filter(Boolean).length;
      t.is(counter.stats.words, words);
      t.is(counter.stats.bytes, input.length);
      t.deepEqual(fs.readdirSync(spills), [], 'completion removes the shared dir');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('words longer than a slot, and words across chunks while the local thread holds one', async (t) => {
  const long = Buffer.alloc(700_000, 'x');
  const mid = Buffer.alloc(300_000, 'y');
  const input = Buffer.concat([
    Buffer.from('a b c '), long, Buffer.from(' a '), mid, Buffer.from('\n'), mid, Buffer.from('z'), Buffer.from(' b\tc\n'),
    Buffer.alloc(1_500_000, 'q'), Buffer.from(' tail'),
  ]);
  for (const size of [7, 4096, 65_536, 200_000, 1 << 20, 4 << 20]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
    const { out, threads } = await count(chunks, { memory: 40 << 20, helpers: 1, startAfter: 0 });
    t.is(threads, 1);
    t.is(out.toString('latin1'), naive(input), `chunks of ${size}`);
  }
});

test('property: a small vocabulary over tiny slots (each word counted on every thread, summed at the end) gives the in-memory Map count', async (t) => {
  const dir = tempDir();
  try {
    // Tiny slots deal the text out a few words at a time, to the helpers or (when their slots are busy) to
    // the calling thread: every word is counted on several threads and the output merges their counts.
    const word = fc.array(fc.constantFrom('a', 'b', 'c', 'y', 'z', '\x00', '\x7f', '\xff', '0'), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
    // A small vocabulary: each word comes back batch after batch.
    const text = fc.tuple(fc.array(word, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\t')), { minLength: 200, maxLength: 1500, size: 'max' }))
      .map(([vocab, ws]) => Buffer.from(ws.map(([i, sep]) => vocab[i % vocab.length] + sep).join(''), 'latin1'));
    await fc.assert(fc.asyncProperty(
      text, fc.array(fc.nat(30_000), { maxLength: 4 }), fc.constantFrom(16, 40), fc.constantFrom(1, 2), fc.constantFrom(0, 200),
      async (bytes, cuts, slotBytes, helpers, startAfter) => {
        const { out, threads } = await count(cutAt(bytes, cuts), { memory: 80 << 20, helpers, startAfter, slotBytes, tmpDir: dir });
        return (bytes.length <= startAfter || threads === helpers) && out.toString('latin1') === naive(bytes);
      }), { numRuns: scale(20, 150) });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('countWords({helpers: 1}) as a stage equals one thread; a failing helper fails the count and leaves nothing', async (t) => {
  const dir = tempDir();
  try {
    const input = manyWords(8 << 20, 3); // past the 4 MiB a helper starts after
    const run = async (helpers: number): Promise<Buffer> => {
      const parts: Buffer[] = [];
      const chunks = Readable.from(cutAt(input, Array.from({ length: 100 }, (_, i) => i * 125_000)));
      await pipeline(chunks, countWords({ memory: 48 << 20, helpers, tmpDir: dir }), new Writable({
        objectMode: true,
        write(b: WordCountBatch, _e, cb) { parts.push(formatWordCounts(b)); cb(); },
      }));
      return Buffer.concat(parts);
    };
    const one = await run(0);
    t.true((await run(1)).equals(one));
    t.deepEqual(fs.readdirSync(dir), []);

    // The shared spill dir vanishes mid-count: a helper's (or this thread's) spill fails; the count fails.
    const counter = new ParallelWordCounter({ memory: 40 << 20, helpers: 1, startAfter: 0, tmpDir: dir });
    const err = await t.throwsAsync(async () => {
      for (const c of cutAt(input, Array.from({ length: 100 }, (_, i) => i * 125_000))) {
        counter.write(c);
        if (counter.tempDir) fs.rmSync(counter.tempDir, { recursive: true, force: true });
        await new Promise((resolve) => setImmediate(resolve)); // let a helper's error arrive
      }
      await counter.finish();
    });
    t.is((err as NodeJS.ErrnoException).code, 'ENOENT');
    counter.dispose();
    t.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Serial: the fault is set in process.env, which every helper started meanwhile in this process would see.
test.serial('a helper that fails to start, or fails at the end, fails the count (no hang) and leaves no dir', async (t) => {
  const dir = tempDir();
  const input = manyWords(6 << 20, 5);
  try {
    for (const fault of ['start', 'barrier']) {
      process.env.MRPIPE_TEST_WC_HELPER_FAULT = fault;
      const counter = new ParallelWordCounter({ memory: 64 << 20, helpers: 1, startAfter: 1 << 20, tmpDir: dir });
      try {
        await t.throwsAsync(async () => {
          for (const c of cutAt(input, Array.from({ length: 48 }, (_, i) => i * 131_072))) counter.write(c);
          const cur = await counter.finish();
          while (cur.advance());
        }, { message: new RegExp(`injected helper fault \\(${fault}\\)`) }, fault);
      } finally {
        counter.dispose();
        delete process.env.MRPIPE_TEST_WC_HELPER_FAULT;
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // the helper's thread ends, its dir goes again
      t.deepEqual(fs.readdirSync(dir), [], fault);
    }
  } finally {
    delete process.env.MRPIPE_TEST_WC_HELPER_FAULT;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('small budgets start no helper; helpers: 0 never does', async (t) => {
  const input = Buffer.from('b a b\n');
  const small = await count([input], { memory: 20 << 20, helpers: 1, startAfter: 0 });
  t.is(small.threads, 0, '20 MiB cannot hold a helper and two tables of 8 MiB');
  t.is(small.out.toString(), 'a\t1\nb\t2\n');
  const none = await count([input], { memory: 1 << 30, helpers: 0, startAfter: 0 });
  t.is(none.threads, 0);
});

test('property: 1–2 helpers, long shared prefixes, one first byte for all, words across chunks: equals tr | sort | uniq -c', async (t) => {
  const dir = tempDir();
  try {
    // Real identifiers share long prefixes; one-byte words and words whose second byte is NUL are neighbours
    // in byte order; a text where every word starts alike merges equal prefixes across threads.
    const word = fc.tuple(
      fc.constantFrom('__builtin_ia32_', '#include', 'x', 'a', '\xff\xfe', ''),
      fc.array(fc.constantFrom('a', 'b', '_', '\x00', '\xff', '0'), { maxLength: 40 }),
    ).map(([p, s]) => p + s.join('')).filter((w) => w.length > 0);
    const sep = fc.constantFrom(' ', '\n', '\t', '\r\n', '\v\f', '   ');
    const text = fc.tuple(fc.array(fc.tuple(word, sep), { maxLength: 300 }), fc.boolean(), fc.boolean()).map(([ws, oneKey, long]) => {
      const parts = ws.map(([w, s]) => (oneKey ? `__${w}` : w) + s);
      if (long) parts.splice(parts.length >> 1, 0, `${'__builtin_'.repeat(300)} `); // 3 KB: longer than most chunks
      return Buffer.from(parts.join(''), 'latin1');
    });
    const spills = path.join(dir, 'spills');
    fs.mkdirSync(spills);
    const file = path.join(dir, 'in.txt');
    await fc.assert(fc.asyncProperty(text, fc.array(fc.nat(4000), { maxLength: 10 }), fc.constantFrom(0, 7, 300), fc.constantFrom(1, 2),
      async (bytes, cuts, startAfter, helpers) => {
        fs.writeFileSync(file, bytes);
        const { out } = await count(cutAt(bytes, cuts), { memory: 80 << 20, helpers, startAfter, tmpDir: spills });
        return out.equals(gnuCount(file));
      }), { numRuns: scale(8, 40) });
    t.deepEqual(fs.readdirSync(spills), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('property: tiny ring slots (words cut at slot edges, words longer than a slot) give the in-memory Map count', async (t) => {
  const dir = tempDir();
  try {
    // Slots of a few bytes cut most words: a slot goes out up to its last separator and the word it ends
    // inside starts the next one; a slot without a separator (a word longer than it) is counted here.
    const word = fc.oneof(
      fc.constantFrom('a', 'b', 'c', 'd', 'ab', 'ba', '\xff', '\x00', 'a\x00'),
      fc.tuple(fc.constantFrom('x', 'y', 'q', 'za'), fc.nat(120)).map(([c, n]) => c.repeat(n + 1)),
      fc.constantFrom('k'.repeat(8191), 'm'.repeat(9000)),
    );
    const text = fc.array(fc.tuple(word, fc.constantFrom(' ', '\n', '\t', '\r\n', '  ')), { maxLength: 120 })
      .map((ws) => Buffer.from(ws.map(([w, sep]) => w + sep).join(''), 'latin1'));
    await fc.assert(fc.asyncProperty(
      text, fc.array(fc.nat(30_000), { maxLength: 6 }), fc.constantFrom(16, 17, 40, 64, 333, 65_536), fc.constantFrom(1, 2), fc.boolean(),
      fc.constantFrom(0, 100, 3000),
      async (bytes, cuts, slotBytes, helpers, trailing, startAfter) => {
        // startAfter > 0: the table sampled then cuts the words into a range per thread.
        const input = trailing ? Buffer.concat([bytes, Buffer.from('tail')]) : bytes;
        const { out, threads } = await count(cutAt(input, cuts), { memory: 80 << 20, helpers, startAfter, slotBytes, tmpDir: dir });
        return (input.length <= startAfter || threads === helpers) && out.toString('latin1') === naive(input);
      }), { numRuns: scale(15, 100) });
    t.deepEqual(fs.readdirSync(dir), [], 'every spill dir removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
