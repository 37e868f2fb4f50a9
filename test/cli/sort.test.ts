// mrpipe sort vs LC_ALL=C sort, byte for byte, for each flag combination on edge inputs; with a tiny -S
// so the external path (runs on disk, merge) is exercised, not only the in-memory sort.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { mrpipe, tempDir } from './helpers.ts';
import { LONG, scale } from '../long.ts';

const EDGE = Buffer.concat([
  Buffer.from([
    'b', 'a', '', 'a', '  leading blanks', '\tleading tab', 'A', 'a b c', 'a  b c', 'a\tb\tc', 'a\t\tc',
    '10', '9', '-1', '-10', '0', '-0', '007', '1.5', '1.50', '.5', '-.5', '1e3', 'x 3 y', 'x 20 y', 'x 3 z',
    'x -3 y', 'same 1', 'same 1', 'same 01', 'crlf\r', 'crlf', 'tab\tsep\t2', 'tab\tsep\t10', 'z,3,b', 'z,3,a',
    'z,10,a', 'z,,a', ',,,', 'n 1.2.3', 'n 1.10', ' 5', '5 ', '  -7 q',
  ].join('\n') + '\n'),
  Buffer.from([0x00, 0x61, 0x0a, 0x61, 0x00, 0x0a, 0xff, 0x0a, 0x80, 0x20, 0x31, 0x0a, 0xc3, 0xa9, 0x0a, 0x7f, 0x0a]),
  Buffer.from('last line without newline'),
]);

const FLAGS: string[][] = [
  [], ['-r'], ['-n'], ['-rn'], ['-u'], ['-s'], ['-n', '-u'], ['-r', '-u'],
  ['-k2'], ['-k2,2'], ['-k2,2n'], ['-k2,2nr'], ['-k2,2', '-k1,1r'], ['-k1.2,1.3'], ['-k2b,2'],
  ['-s', '-k1,1'], ['-u', '-k1,1'], ['-n', '-k2'], ['-r', '-k2,2', '-s'], ['-k3,3n', '-k1,1'],
  ['-t', ',', '-k2,2n'], ['-t', ',', '-k3,3', '-k2,2nr'], ['-t,', '-u', '-k1,1'], ['-t', '\t', '-k2,2'],
  ['-t', '\t', '-k3n'], ['-t', ' ', '-k2,2', '-s'], ['-nr', '-s', '-k2,2'], ['-k1,1', '-u', '-r'],
  ['-t', '\t', '-k1,1', '-s'], ['-t', '\t', '-k2,2nr', '-k1,1'], ['-k2,2hr', '-u'], ['-fb', '-k2,2M', '-k1.2,1.4di'],
];

// The edge lines repeated past mrpipe sort's 64 KiB floor under -S (counted with per-line overhead), so that
// -S 1 spills runs and merges: 100 copies (26 KB) spill 2-4 runs; 400 (103 KB, 8-15 runs) under LONG.
const EDGE_LINES = EDGE.subarray(0, EDGE.lastIndexOf(10) + 1);
const BIG = Buffer.concat([...Array.from({ length: scale(100, 400) }, () => EDGE_LINES), EDGE]);

let input: string;
let big: string;
let dir: string;
let cleanup: () => void;
test.before(() => {
  ({ dir, cleanup } = tempDir());
  input = path.join(dir, 'edge.txt');
  fs.writeFileSync(input, EDGE);
  big = path.join(dir, 'big.txt');
  fs.writeFileSync(big, BIG);
});
test.after('every run file and temp dir is gone', (t) => {
  t.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('mrpipe')), []);
});
test.after.always(() => cleanup());

function gnuSort(args: string[], file: string): Buffer {
  const r = spawnSync('sort', [...args, file], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`sort ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

for (const flags of FLAGS) {
  test(`sort ${flags.map((f) => JSON.stringify(f)).join(' ')} equals LC_ALL=C sort`, async (t) => {
    const expected = gnuSort(flags, input);
    const inMemory = await mrpipe(['sort', ...flags, input]);
    t.is(inMemory.status, 0, inMemory.stderr);
    t.deepEqual(inMemory.stdout, expected);
    // -S 1 (raised to the 64 KiB floor) over BIG: runs on disk, merged.
    const external = await mrpipe(['sort', '-S', '1', '-T', dir, ...flags, big]);
    t.is(external.status, 0, external.stderr);
    t.deepEqual(external.stdout, gnuSort(flags, big));
  });
}

test('several inputs and stdin (-): each input ends its last line', async (t) => {
  const second = path.join(dir, 'second.txt');
  fs.writeFileSync(second, 'm\nno newline');
  const r = await mrpipe(['sort', input, '-', second], 'from stdin\nq');
  const g = spawnSync('bash', ['-c', `printf 'from stdin\\nq' | LC_ALL=C sort '${input}' - '${second}'`]);
  t.deepEqual(r.stdout, g.stdout);
});

test('-o may name an input file: written aside, then renamed', async (t) => {
  const file = path.join(dir, 'inplace.txt');
  fs.writeFileSync(file, 'c\nb\na\n');
  const r = await mrpipe(['sort', '-o', file, file]);
  t.is(r.status, 0, r.stderr);
  t.is(fs.readFileSync(file, 'utf8'), 'a\nb\nc\n');
  t.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('inplace.txt.mrpipe')), []);
});

test('-o may name an input through a symlink, on the keyed path too: the link stays, the input gets the output', async (t) => {
  const file = path.join(dir, 'linked.txt');
  fs.writeFileSync(file, 'c 1\nb 2\na 3\n');
  const link = path.join(dir, 'linked-link');
  fs.symlinkSync('linked.txt', link);
  const r = await mrpipe(['sort', '-k2,2nr', '-o', link, link]);
  t.is(r.status, 0, r.stderr);
  t.true(fs.lstatSync(link).isSymbolicLink());
  t.is(fs.readFileSync(file, 'utf8'), 'a 3\nb 2\nc 1\n');
  t.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('linked.txt.mrpipe')), []);
});

// The threaded LineSorter itself (runs and merge-pass groups on its worker) is tested in test/shuffle/lines;
// here the flag: below -S 40M the CLI keeps one thread (the worker would take over half the budget).
test('--parallel 2 and --parallel 1 equal GNU sort through merge passes; --parallel 0 is a usage error', async (t) => {
  const many = path.join(dir, 'many.txt');
  fs.writeFileSync(many, Buffer.concat(Array.from({ length: 4 }, () => BIG)));
  for (const flags of [[], ['-r', '-u']]) {
    const expected = gnuSort(flags, many);
    for (const parallel of ['2', '1']) {
      const r = await mrpipe(['sort', '-S', '1', '--parallel', parallel, '-T', dir, ...flags, many]);
      t.is(r.status, 0, r.stderr);
      t.true(r.stdout.equals(expected), `--parallel ${parallel} ${flags.join(' ')}`);
    }
  }
  const bad = await mrpipe(['sort', '--parallel', '0'], 'a\n');
  t.is(bad.status, 2);
  t.regex(bad.stderr, /--parallel/);
});

// -S 40M or more with --parallel 2: runs sorted on both threads and the final merge split by key range over
// them (the worker's half through a temp file); real-text-like lines sharing long heads, many repeated.
test('--parallel 2 -S 40M: the final merge split over two threads equals GNU sort (-r -u through -o; plain to stdout too under test:long)', async (t) => {
  const big = path.join(dir, 'split.txt');
  const heads = ['#include <', '  if (x == ', ' * ', '', '      procedure ', 'static int ', '\t\t'];
  const lines: string[] = [];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let size = 0; size < 16e6;) {
    const line = next() % 10 === 0 ? '}' : heads[next() % heads.length] + (next() % 5000).toString(36).repeat(1 + (next() % 4));
    lines.push(line);
    size += line.length + 1;
  }
  fs.writeFileSync(big, lines.join('\n') + '\n');
  // -r -u through -o; under test:long also plain order to stdout (16 MB a run: this file's biggest cost).
  if (LONG) {
    const r = await mrpipe(['sort', '-S', '40M', '--parallel', '2', '-T', dir, big]);
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.equals(gnuSort([], big)), 'stdout');
  }
  const out = path.join(dir, 'split-out.txt');
  const o = await mrpipe(['sort', '-S', '40M', '--parallel', '2', '-T', dir, '-o', out, '-r', '-u', big]);
  t.is(o.status, 0, o.stderr);
  t.true(fs.readFileSync(out).equals(gnuSort(['-r', '-u'], big)), '-o -r -u');
  t.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('mrpipe-sort-')), [], 'no temp dir left');
});

test('--tmp-dir is the same as -T (spill runs go there, output equals GNU sort)', async (t) => {
  const runs = path.join(dir, 'runs');
  fs.mkdirSync(runs);
  const r = await mrpipe(['sort', '-S', '1', '--tmp-dir', runs, '-k2,2', big]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout, gnuSort(['-k2,2'], big));
  t.deepEqual(fs.readdirSync(runs), []);
  const missing = await mrpipe(['sort', '--tmp-dir', path.join(dir, 'nope')], 'a\n');
  t.is(missing.status, 2);
  t.regex(missing.stderr, /--tmp-dir .*nope: no such directory/);
});

test('a truncated .gz fails with exit 1, saying what to check', async (t) => {
  const gz = path.join(dir, 'trunc.gz');
  const whole = zlib.gzipSync(EDGE);
  fs.writeFileSync(gz, whole.subarray(0, whole.length >> 1));
  for (const flags of [[], ['-k2,2']]) {
    const r = await mrpipe(['sort', ...flags, gz]);
    t.is(r.status, 1);
    t.regex(r.stderr, /trunc\.gz: .*truncated or corrupt.*gzip -t .*trunc\.gz/);
    t.is(r.stdout.length, 0);
  }
});

test('empty input gives empty output', async (t) => {
  const r = await mrpipe(['sort', '-n'], '');
  t.is(r.status, 0);
  t.is(r.stdout.length, 0);
});

test('bad key and separator are usage errors (exit 2)', async (t) => {
  const k = await mrpipe(['sort', '-k', '0,1'], 'a\n');
  t.is(k.status, 2);
  t.regex(k.stderr, /-k 0,1: invalid sort key/);
  const s = await mrpipe(['sort', '-t', 'ab'], 'a\n');
  t.is(s.status, 2);
  t.regex(s.stderr, /one character/);
});

test('property: random lines and flags, tiny buffer, equal to GNU sort', async (t) => {
  const line = fc.array(fc.constantFrom('a', 'b', ' ', '\t', ',', '1', '2', '-', '.', '0', '\xe9', 'Z'), { maxLength: 12 })
    .map((cs) => cs.join(''));
  const flagSet = fc.record({
    r: fc.boolean(), n: fc.boolean(), u: fc.boolean(), s: fc.boolean(),
    t: fc.constantFrom(undefined, ',', '\t'),
    k: fc.constantFrom(undefined, '1,1', '2,2', '2', '1.2,2n', '2,2r'),
  });
  await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 60 }), flagSet, async (lines, f) => {
    const file = path.join(dir, 'prop.txt');
    fs.writeFileSync(file, Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1'));
    const args = [
      ...(f.r ? ['-r'] : []), ...(f.n ? ['-n'] : []), ...(f.u ? ['-u'] : []), ...(f.s ? ['-s'] : []),
      ...(f.t ? ['-t', f.t] : []), ...(f.k ? ['-k', f.k] : []),
    ];
    const r = await mrpipe(['sort', '-S', '1', ...args, file]);
    t.deepEqual(r.stdout, gnuSort(args, file), args.join(' '));
  }), { numRuns: scale(3, 25) });
  t.pass();
});

test('property: lines like real text (long shared heads, repeats, empty lines), many runs, equal to GNU sort', async (t) => {
  // Enough lines that -S 1 (64 KiB) spills several runs; --batch-size 2 adds merge passes.
  const head = fc.constantFrom('', '', '        ', '        } else {', '#include <', ' * ', '/* { dg-do run } */', 'x'.repeat(80));
  const line = fc.tuple(head, fc.array(fc.constantFrom('a', 'b', ' ', '\x00', '\xff', '\r'), { maxLength: 6 }))
    .map(([h, tail]) => h + tail.join(''));
  const flags = fc.constantFrom([], ['-r'], ['-u'], ['-r', '-u'], ['--batch-size', '2'], ['-u', '--batch-size', '3']);
  await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 120 }), flags, async (lines, args) => {
    const file = path.join(dir, 'real.txt');
    // each line many times over, in an order that scatters the copies
    const all = Array.from({ length: 40 }, (_, k) => lines.map((_l, i) => lines[(i * 7 + k) % lines.length])).flat();
    fs.writeFileSync(file, Buffer.from(all.map((l) => l + '\n').join(''), 'latin1'));
    const r = await mrpipe(['sort', '-S', '1', '-T', dir, ...args, file]);
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.stdout, gnuSort(args.filter((a) => !a.startsWith('--batch') && !/^[0-9]+$/.test(a)), file), args.join(' '));
  }), { numRuns: scale(3, 20) });
  t.pass();
});
