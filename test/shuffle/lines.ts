// The byte-line sorter (LineSorter, sortLines, sortRanges): raw text in any chunking, any budget and
// fan-in, equals LC_ALL=C sort (-r, -u) byte for byte, and leaves no temp files.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { spawnSync } from 'node:child_process';
import { LineSorter, lineChunks, sortLines, sortRanges, type LineSorterStats } from '../../operators/shuffle/index.ts';
import { edgeLines, filesIn, tempDir } from './helpers.ts';

function gnu(input: Buffer, args: string[] = []): Buffer {
  const r = spawnSync('sort', args, { input, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

/** Cut `buf` at the given fractions into chunks. */
function cut(buf: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => Math.floor(p * buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let s = 0;
  for (const p of at) {
    out.push(buf.subarray(s, p));
    s = p;
  }
  out.push(buf.subarray(s));
  return out;
}

function sortWith(chunks: Buffer[], opts: ConstructorParameters<typeof LineSorter>[0]): { out: Buffer; runs: number; stats: LineSorterStats } {
  const s = new LineSorter(opts);
  try {
    for (const c of chunks) s.write(c);
    const out = Buffer.concat([...lineChunks(s.finish(), 100)]);
    return { out, runs: s.stats.runs, stats: s.stats };
  } finally {
    s.dispose();
  }
}

const edgeText = (n: number, seed: number, trailing = true): Buffer =>
  Buffer.from(edgeLines(n, seed).join('\n') + (trailing ? '\n' : ''), 'latin1');

test('edge lines, tiny budget, fan-in 3, odd chunking: equals LC_ALL=C sort, -r, -u, -r -u', (t) => {
  const tmp = tempDir();
  try {
    const input = edgeText(3000, 5, false);
    const chunks = cut(input, [0.1, 0.1001, 0.37, 0.5, 0.9]);
    for (const args of [[], ['-r'], ['-u'], ['-r', '-u']]) {
      const { out, runs } = sortWith(chunks, { memory: 20_000, fanIn: 3, tmpDir: tmp, reverse: args.includes('-r'), unique: args.includes('-u') });
      t.true(runs > 10);
      t.true(out.equals(gnu(input, args)), `sort ${args.join(' ')}`);
      t.deepEqual(filesIn(tmp), []);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('threads: runs sorted (and merge-pass groups merged) on the worker give the same bytes, -r, -u', (t) => {
  const tmp = tempDir();
  try {
    const input = edgeText(6000, 8, false);
    const chunks = cut(input, [0.05, 0.3, 0.31, 0.7]);
    for (const args of [[], ['-r', '-u']]) {
      const { out, runs, stats } = sortWith(chunks, { memory: 40_000, fanIn: 4, tmpDir: tmp, threads: true, reverse: args.includes('-r'), unique: args.includes('-u') });
      t.true(runs > 10);
      t.true((stats.workerMerges ?? 0) > 0, 'merge-pass groups merged on the worker too');
      t.true(out.equals(gnu(input, args)), `sort ${args.join(' ')}`);
      t.deepEqual(filesIn(tmp), []);
    }
    // runs capped below the budget: more runs, same bytes
    const capped = sortWith(chunks, { memory: 200_000, runBytes: 20_000, fanIn: 3, tmpDir: tmp });
    t.true(capped.runs > 10);
    t.true(capped.out.equals(gnu(input)));
    // a line longer than half the budget cannot go into a shared buffer: it is sorted on this thread
    const long = Buffer.from(['z'.repeat(30_000), 'a', 'y'.repeat(25_000), 'b'].join('\n') + '\n');
    t.true(sortWith([long, input], { memory: 40_000, tmpDir: tmp, threads: true }).out.equals(gnu(Buffer.concat([long, input]))));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a line longer than the budget, many duplicates of a long line, NUL and trailing NULs', (t) => {
  const tmp = tempDir();
  try {
    const long = 'q'.repeat(50_000);
    const lines = [long, 'a\0', 'a', 'a\0\0', ...Array(300).fill('d'.repeat(700)), 'b', long + 'x', long, '', '\0'];
    const input = Buffer.from(lines.join('\n') + '\n', 'latin1');
    t.true(sortWith([input], { memory: 10_000, fanIn: 2, tmpDir: tmp }).out.equals(gnu(input)));
    t.true(sortWith([input], { memory: 1 << 20 }).out.equals(gnu(input)));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('LineSorter: nothing is written when everything fits', (t) => {
  const tmp = tempDir();
  try {
    const input = edgeText(500, 9);
    const { out, runs } = sortWith([input], { memory: 1 << 20, tmpDir: tmp });
    t.is(runs, 0);
    t.true(out.equals(gnu(input)));
    t.deepEqual(fs.readdirSync(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('any lines, any chunking, any budget, any fan-in ≥ 2: equals a Buffer.compare sort (property)', (t) => {
  const tmp = tempDir();
  try {
    // some lines longer than lineChunks' chunk (100): views of a stable arena, or copies from a merge
    const line = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 100, maxLength: 400 }))
      .map((a) => Buffer.from(a.map((b) => (b === 10 ? 11 : b % 4 === 0 ? 97 : b))));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 200 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), fc.boolean(), fc.boolean(),
        (lines, points, memory, fanIn, reverse, unique, trailing) => {
          const input = Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 || trailing ? [l, Buffer.from('\n')] : [l])));
          // an unterminated empty last line is no line
          const kept = lines.length > 0 && !trailing && lines[lines.length - 1].length === 0 ? lines.slice(0, -1) : lines;
          let want = kept.slice().sort(Buffer.compare);
          if (reverse) want.reverse();
          if (unique) want = want.filter((l, i) => i === 0 || !l.equals(want[i - 1]));
          const { out } = sortWith(cut(input, points), { memory, fanIn, tmpDir: tmp, reverse, unique });
          return out.equals(Buffer.concat(want.map((l) => Buffer.concat([l, Buffer.from('\n')])))) && filesIn(tmp).length === 0;
        },
      ),
      { numRuns: 150 },
    );
    t.pass();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('sortRanges orders byte ranges like Buffer.compare (property)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 50 }).map((a) => a.map((b) => b & 3)), { maxLength: 300 }), (arrs) => {
      const data = Buffer.concat(arrs.map((a) => Buffer.from(a)));
      const starts = new Uint32Array(arrs.length);
      const lens = new Uint32Array(arrs.length);
      let p = 0;
      arrs.forEach((a, i) => {
        starts[i] = p;
        lens[i] = a.length;
        p += a.length;
      });
      const order = sortRanges(data, starts, lens, arrs.length);
      for (let i = 1; i < order.length; i++) {
        const a = data.subarray(starts[order[i - 1]], starts[order[i - 1]] + lens[order[i - 1]]);
        const b = data.subarray(starts[order[i]], starts[order[i]] + lens[order[i]]);
        if (Buffer.compare(a, b) > 0) return false;
      }
      return new Set(order).size === arrs.length;
    }),
  );
  t.pass();
});

test('sortLines in a pipeline equals LC_ALL=C sort; destroy mid-way removes the temp dir', async (t) => {
  const tmp = tempDir();
  try {
    const input = edgeText(4000, 21);
    const got: Buffer[] = [];
    await pipeline(
      Readable.from(cut(input, [0.2, 0.21, 0.6])),
      sortLines({ memory: 30_000, fanIn: 2, tmpDir: tmp, chunkSize: 1000 }),
      new Writable({ write(c: Buffer, _e, cb) { got.push(c); cb(); } }),
    );
    t.true(Buffer.concat(got).equals(gnu(input)));
    t.deepEqual(filesIn(tmp), []);
    const failing = pipeline(
      Readable.from(cut(input, [0.5])),
      sortLines({ memory: 30_000, tmpDir: tmp, chunkSize: 1000 }),
      new Writable({ write(_c: Buffer, _e, cb) { cb(new Error('downstream failed')); } }),
    );
    await t.throwsAsync(failing, { message: 'downstream failed' });
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Lines like source text: shared indentation and heads, repeated and empty lines (seeded). */
function sourceLines(count: number, seed: number): string[] {
  let x = seed >>> 0 || 1;
  const r = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const indents = ['', '  ', '    ', '\t', '\t\t', ' '.repeat(16), ' '.repeat(24)];
  const heads = ['', '#include <', ' * ', 'static ', 'return ', '}', '\xff\xfe'];
  const tail = 'abz_(){};0 \t\x80';
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = r();
    if (k < 0.03) out.push('');
    else if (k < 0.1 && out.length > 0) out.push(out[Math.floor(r() * out.length)]);
    else {
      let s = indents[Math.floor(r() * indents.length)] + heads[Math.floor(r() * heads.length)];
      for (let n = Math.floor(r() * 14); n > 0; n--) s += tail[Math.floor(r() * tail.length)];
      out.push(s);
    }
  }
  return out;
}

test('threads: buffers of 16384 lines or more, sorted by both threads at once (shared groups), equal LC_ALL=C sort (property)', (t) => {
  const tmp = tempDir();
  let shared = 0;
  try {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 60_000, max: 120_000 }), fc.boolean(), fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        (seed, count, reverse, unique, points) => {
          const input = Buffer.from(sourceLines(count, seed).join('\n') + '\n', 'latin1');
          // ~25 K lines per buffer: above the least a sort shares with the worker (MIN_SHARE); the
          // worker is started by the first write (past half a buffer held) and given time to boot (from
          // .ts sources it is slow)
          const s = new LineSorter({ memory: 64 << 20, runBytes: 1_200_000, tmpDir: tmp, threads: true, reverse, unique });
          let out: Buffer;
          try {
            s.write(input.subarray(0, 400_000));
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
            for (const c of cut(input.subarray(400_000), points)) s.write(c);
            out = Buffer.concat([...s.finishChunks(1000)]);
          } finally {
            s.dispose();
          }
          shared += s.stats.sharedSorts ?? 0;
          const args = [...(reverse ? ['-r'] : []), ...(unique ? ['-u'] : [])];
          return out.equals(gnu(input, args)) && filesIn(tmp).length === 0;
        },
      ),
      { numRuns: 6 },
    );
    t.log(`${shared} buffer sorts shared with the worker`);
    t.true(shared > 0, 'the worker joined some sorts');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('threads: short lines, whose overhead fills a buffer before their bytes reach a MiB, still start the worker', (t) => {
  const tmp = tempDir();
  try {
    // 4-6 byte lines: a 900 KB buffer holds ~27 K of them, ~150 KB of bytes
    const input = Buffer.from(Array.from({ length: 200_000 }, (_, i) => String((i * 7919) % 100_003)).join('\n') + '\n');
    for (const chunk of [1 << 20, 4096]) {
      const s = new LineSorter({ memory: 64 << 20, runBytes: 900_000, tmpDir: tmp, threads: true });
      try {
        for (let i = 0; i < input.length; i += chunk) s.write(input.subarray(i, i + chunk));
        t.true(Buffer.concat([...s.finishChunks(1000)]).equals(gnu(input)));
        t.true(s.stats.splitFinal, `chunks of ${chunk}: the final merge was split over both threads`);
      } finally {
        s.dispose();
      }
    }
    // a one-line input starts no thread
    const one = new LineSorter({ memory: 64 << 20, tmpDir: tmp, threads: true });
    one.write(Buffer.from('b\na\n'));
    t.is(Buffer.concat([...one.finishChunks()]).toString(), 'a\nb\n');
    t.falsy(one.stats.splitFinal);
    one.dispose();
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
