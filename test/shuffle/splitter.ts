// The split final merge (splitter.ts, runsort.ts mergeRange, LineSorter.finishChunks): the lines before a
// splitter and the lines from it on, merged apart, concatenate to the whole merge — for any splitter
// (equal to lines, a prefix of lines, below or above all of them), one run or many, -r and -u — and the
// threaded sorter's output equals LC_ALL=C sort, also when the worker's half fails and this thread merges it.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LineMerge, LineRunReader, LineRunWriter, UniqueLines, commonPrefix, type LineCursor } from '../../operators/shuffle/linesort/linerun.ts';
import { LineSorter } from '../../operators/shuffle/linesort/linesorter.ts';
import { mergeRange } from '../../operators/shuffle/linesort/runsort.ts';
import { BeforeSplitter, FromSplitter, pickSplitter } from '../../operators/shuffle/linesort/splitter.ts';
import { edgeLines, filesIn, tempDir } from './helpers.ts';

/** Lines in a buffer as a cursor; with `lcps`, each line's lcp with the one before (else undefined). */
class ArrayCursor implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  lcp: number | undefined;
  private readonly bounds: number[] = [];
  private readonly lcps: boolean;
  private i = -1;
  constructor(lines: Buffer[], lcps: boolean) {
    this.lcps = lcps;
    this.buf = Buffer.concat(lines);
    let at = 0;
    for (const l of lines) this.bounds.push(at, (at += l.length));
  }
  advance(): boolean {
    const ps = this.start;
    const pe = this.end;
    if (++this.i >= this.bounds.length / 2) return false;
    this.start = this.bounds[2 * this.i];
    this.end = this.bounds[2 * this.i + 1];
    this.lcp = !this.lcps ? undefined : this.i === 0 ? 0 : commonPrefix(this.buf, ps, pe, this.buf, this.start, this.end);
    return true;
  }
  close(): void {
    this.i = this.bounds.length;
  }
}

function drain(c: LineCursor): Buffer[] {
  const out: Buffer[] = [];
  while (c.advance()) out.push(Buffer.from(c.buf.subarray(c.start, c.end)));
  return out;
}

// Few distinct bytes and a shared head make long common prefixes and equal lines common.
const byte = fc.constantFrom(0, 0x61, 0x62, 0x80, 0xff);
const line = fc.tuple(fc.boolean(), fc.array(byte, { maxLength: 30 }))
  .map(([shared, tail]) => Buffer.from([...(shared ? [0x61, 0x61, 0x61, 0x61] : []), ...tail]));
/** A splitter: one of the lines, a prefix of one, one longer, or any bytes (empty included). */
const splitterOf = (lines: Buffer[]): fc.Arbitrary<Buffer> => fc.oneof(
  fc.array(byte, { maxLength: 10 }).map((a) => Buffer.from(a)),
  ...(lines.length === 0 ? [] : [
    fc.nat(lines.length - 1).map((i) => lines[i]),
    fc.tuple(fc.nat(lines.length - 1), fc.nat(12)).map(([i, n]) => lines[i].subarray(0, n)),
    fc.tuple(fc.nat(lines.length - 1), byte).map(([i, b]) => Buffer.concat([lines[i], Buffer.from([b])])),
  ]),
);
const orderOf = (reverse: boolean) => (a: Buffer, b: Buffer): number => (reverse ? Buffer.compare(b, a) : Buffer.compare(a, b));

test('BeforeSplitter / FromSplitter / rest(): the lines before s and the rest, with or without lcps (property)', (t) => {
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 60 }).chain((ls) => fc.tuple(fc.constant(ls), splitterOf(ls))), fc.boolean(), fc.boolean(),
      ([lines, s], reverse, lcps) => {
        const sorted = [...lines].sort(orderOf(reverse));
        const before = sorted.filter((l) => orderOf(reverse)(l, s) < 0);
        const after = sorted.slice(before.length);
        const lower = new BeforeSplitter(new ArrayCursor(sorted, lcps), s, reverse);
        const got = drain(lower);
        const rest = drain(lower.rest());
        const from = drain(new FromSplitter(new ArrayCursor(sorted, lcps), s, reverse));
        const same = (a: Buffer[], b: Buffer[]): boolean => a.length === b.length && a.every((x, i) => x.equals(b[i]));
        return same(got, before) && same(rest, after) && same(from, after);
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});

test('split merge over run files: lower range ++ mergeRange of the upper = the whole merge, -r, -u, one run, any read buffer (property)', (t) => {
  const dir = tempDir();
  let n = 0;
  try {
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { maxLength: 40 }), { minLength: 1, maxLength: 6 })
          .chain((runs) => fc.tuple(fc.constant(runs), splitterOf(runs.flat()))),
        fc.boolean(), fc.boolean(), fc.constantFrom(12, 24, 4096),
        ([runs, s], reverse, unique, io) => {
          const order = orderOf(reverse);
          const files = runs.map((r) => {
            const file = path.join(dir, `run-${n++}`);
            const w = new LineRunWriter(file, 64);
            let prev = Buffer.alloc(0);
            for (const l of [...r].sort(order)) {
              w.write(l, 0, l.length, commonPrefix(prev, 0, prev.length, l, 0, l.length));
              prev = l;
            }
            w.close();
            return file;
          });
          let want = runs.flat().sort(order);
          if (unique) want = want.filter((l, i) => i === 0 || !l.equals(want[i - 1]));
          const m = new LineMerge(files.map((f) => new LineRunReader(f, io)), reverse);
          const lowerCursor = new BeforeSplitter(unique ? new UniqueLines(m) : m, s, reverse);
          const lower = drain(lowerCursor);
          m.close();
          const out = path.join(dir, `upper-${n++}`);
          mergeRange(files, s, out, io, reverse, unique); // lines longer than a small read buffer skipped too
          const text = Buffer.concat(lower.map((l) => Buffer.concat([l, Buffer.from('\n')])));
          const whole = Buffer.concat([text, fs.readFileSync(out)]);
          for (const f of [...files, out]) fs.rmSync(f);
          return whole.equals(Buffer.concat(want.map((l) => Buffer.concat([l, Buffer.from('\n')]))));
        },
      ),
      { numRuns: 200 },
    );
    t.deepEqual(filesIn(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pickSplitter: none without samples; the sample at the fraction, from the other end for -r', (t) => {
  t.is(pickSplitter([], false), undefined);
  const samples = ['d', 'a', 'c', 'b'].map((x) => Buffer.from(x));
  t.is(pickSplitter(samples, false)?.toString(), 'c');
  t.is(pickSplitter(samples, true)?.toString(), 'c');
  t.is(pickSplitter(samples, false, 0.25)?.toString(), 'b');
  t.is(pickSplitter(samples, true, 0.25)?.toString(), 'd');
});

function gnu(input: Buffer, args: string[]): Buffer {
  const r = spawnSync('sort', args, { input, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

/** Sorts `input` threaded through finishChunks; `beforeFinish` runs with the temp dir made (runs spilled). */
function threadedSort(
  input: Buffer, tmp: string, args: string[], beforeFinish?: (dir: string) => void, fanIn: number | 'default' = 4,
): { out: Buffer; split: boolean; runs: number; passes: number } {
  const s = new LineSorter({ memory: 40_000, fanIn: fanIn === 'default' ? undefined : fanIn, tmpDir: tmp, threads: true, reverse: args.includes('-r'), unique: args.includes('-u') });
  try {
    for (let i = 0; i < input.length; i += 7000) s.write(input.subarray(i, i + 7000));
    beforeFinish?.(s.tempDir as string);
    const out = Buffer.concat([...s.finishChunks(100)]);
    return { out, split: s.stats.splitFinal === true, runs: s.stats.runs, passes: s.stats.mergePasses };
  } finally {
    s.dispose();
  }
}

test('threaded finishChunks splits the final merge over both threads: equals LC_ALL=C sort, -r, -u', (t) => {
  const tmp = tempDir();
  try {
    const input = Buffer.from(edgeLines(6000, 11).join('\n') + '\n', 'latin1');
    for (const args of [[], ['-r'], ['-u'], ['-r', '-u']]) {
      const { out, split } = threadedSort(input, tmp, args);
      t.true(split, 'the final merge was split');
      t.true(out.equals(gnu(input, args)), `sort ${args.join(' ')}`);
      t.deepEqual(filesIn(tmp), []);
    }
    // no fan-in asked: the split final merge takes up to 64 runs at once, with no pass before it
    const wide = threadedSort(input, tmp, [], undefined, 'default');
    t.true(wide.split && wide.runs > 16 && wide.runs <= 64 && wide.passes === 1, `${wide.runs} runs, ${wide.passes} passes`);
    t.true(wide.out.equals(gnu(input, [])));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('threaded finishChunks: when the worker\'s half fails, this thread merges it, same bytes', (t) => {
  const tmp = tempDir();
  try {
    const input = Buffer.from(edgeLines(6000, 12).join('\n') + '\n', 'latin1');
    // the worker's output file already there: its exclusive create fails
    const { out, split } = threadedSort(input, tmp, ['-u'], (dir) => fs.writeFileSync(path.join(dir, 'upper'), 'x'));
    t.true(split);
    t.true(out.equals(gnu(input, ['-u'])));
    t.deepEqual(filesIn(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
