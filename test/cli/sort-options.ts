// mrpipe sort's GNU options against the machine's `LC_ALL=C sort` (coreutils 9.1): random lines (empty,
// blank-led, NULs, CRLF, long shared prefixes, numbers, sizes, versions, months) under random option
// combinations, stdout byte for byte and exit status for exit status, the input given as an operand, as
// `< file` and through a pipe.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers.ts';
import { GNU, MRPIPE, run, type Via, oracleDir, oracleRuns } from './sort-oracle.ts';

const runs = (long: number): number => oracleRuns(long, 3);

const oracle = oracleDir(test);
const inputFile = (content: Buffer | string): string => oracle.file(content);

/** Field values that exercise every comparison mode. */
const FIELD = fc.oneof(
  fc.constantFrom('', ' ', '  a', '\tb', 'a\0b', 'x\r', 'A', 'a', 'b', 'B', '_z', 'é', '\x80', '\xff', '~', '.'),
  fc.constantFrom('0', '-0', '1', '-1', '007', '10', '9', '1.5', '1.50', '.5', '-.5', ' 12', '1\x80000', '1\x802', '-3\x804'),
  fc.constantFrom('1e3', '1E-2', '-1e3', 'inf', '-inf', 'Infinity', '0x10', '1e', '+5', '  2.5e1x'),
  fc.constantFrom('1K', '2k', '1023K', '3M', '1.5G', '-2T', '0K', '1P', '1E', '1Z', '1Y', '1Q', '5 K', '2.0M'),
  fc.constantFrom('1.2.3', '1.10', '1.9', 'a-1.10', 'a-1.9', 'file.tar.gz', 'file1.txt', 'file10.txt', '..', '.a', '~1', '1~rc1', 'v2'),
  fc.constantFrom('jan', ' Feb', 'DEC', 'mar', 'MAY', 'xyz', 'Ja', 'june', ' \tOCT'),
  fc.stringMatching(/^[a-c0-9 .,-]{0,6}$/),
  fc.constantFrom('long-shared-prefix-long-shared-prefix-1', 'long-shared-prefix-long-shared-prefix-2', 'long-shared-prefix-long-shared-prefix-'),
);

/** Lines of 1-3 fields joined by one separator, as latin1 bytes. */
const LINES = fc.array(fc.tuple(fc.array(FIELD, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', ',', '\t', '  ')), { maxLength: 14 })
  .map((rows) => rows.map(([fields, sep]) => fields.join(sep)));

function encode(lines: string[], terminator: string, lastEnded: boolean): Buffer {
  return Buffer.from(lines.map((l, i) => (i < lines.length - 1 || lastEnded ? l + terminator : l)).join(''), 'latin1');
}

const VIA = fc.constantFrom<Via>('operand', 'redirect', 'pipe');

async function same(t: { is: (a: unknown, b: unknown, m?: string) => void; deepEqual: (a: unknown, b: unknown, m?: string) => void }, args: string[], input: Buffer, via: Via): Promise<boolean> {
  const file = inputFile(input);
  const [gnu, ours] = await Promise.all([run(GNU, args, file, via), run(MRPIPE, args, file, via)]);
  const what = `sort ${args.map((a) => JSON.stringify(a)).join(' ')} (${via}) on ${JSON.stringify(input.toString('latin1'))}: ${ours.stderr}`;
  t.is(ours.status, gnu.status, what);
  t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'), what);
  return ours.status === gnu.status && ours.stdout.equals(gnu.stdout);
}

const MODES = ['', 'b', 'd', 'f', 'i', 'n', 'g', 'h', 'V', 'M', 'fd', 'bf', 'di', 'nr', 'gr', 'hr', 'Vr', 'Mr', 'bV', 'fi', 'br'];

/** A global option set, or keys with per-key flags, with -t, -s, -u, -r mixed in. */
const OPTIONS = fc.record({
  global: fc.constantFrom(...MODES),
  keys: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 1, max: 3 })), fc.constantFrom(...MODES), fc.option(fc.integer({ min: 1, max: 3 }))), { maxLength: 2 }),
  sep: fc.constantFrom(undefined, ',', '\t', ' '),
  stable: fc.boolean(),
  unique: fc.boolean(),
  reverse: fc.boolean(),
}).map((o) => {
  const args: string[] = [];
  if (o.global !== '') args.push(`-${o.global}`);
  for (const [f1, f2, flags, c1] of o.keys) {
    args.push(`-k${f1}${c1 === null ? '' : `.${c1}`}${flags}${f2 === null ? '' : `,${Math.max(f1, f2)}`}`);
  }
  if (o.sep !== undefined) args.push('-t', o.sep);
  if (o.stable) args.push('-s');
  if (o.unique) args.push('-u');
  if (o.reverse) args.push('-r');
  return args;
});

test('sort with random ordering options equals LC_ALL=C sort (stdout and status)', async (t) => {
  await fc.assert(fc.asyncProperty(LINES, OPTIONS, VIA, fc.boolean(), async (lines, args, via, crlf) => {
    return same(t, args, encode(lines, crlf ? '\r\n' : '\n', true), via);
  }), { numRuns: runs(30) });
});

test('-z: NUL-terminated records (with newlines inside) sort, merge and check as GNU', async (t) => {
  const ZLINES = LINES.map((ls) => ls.map((l) => l.replace(/\0/g, '\n')));
  const ZOPTS = fc.constantFrom<string[]>(['-z'], ['-z', '-r'], ['-z', '-n'], ['-z', '-k2,2'], ['-z', '-u', '-f'], ['-z', '-c'], ['-z', '-C', '-n'], ['-z', '-m'], ['-zb', '-k1,1d']);
  await fc.assert(fc.asyncProperty(ZLINES, ZOPTS, VIA, fc.boolean(), async (lines, args, via, ended) => {
    return same(t, args, encode(lines, '\0', ended), via);
  }), { numRuns: runs(20) });
});

test('-c / -C / --check: exit status and what is reported, on sorted and unsorted input', async (t) => {
  const CHECK = fc.constantFrom<string[]>(['-c'], ['-C'], ['--check'], ['--check=quiet'], ['--check=silent'], ['--check=diagnose-first'],
    ['-c', '-u'], ['-c', '-n'], ['-c', '-r'], ['-C', '-k2,2n', '-t', ','], ['-c', '-f', '-u'], ['-c', '-s', '-k1,1']);
  await fc.assert(fc.asyncProperty(LINES, CHECK, VIA, fc.boolean(), async (lines, args, via, presort) => {
    const input = encode(presort ? [...lines].sort() : lines, '\n', true);
    const file = inputFile(input);
    const [gnu, ours] = await Promise.all([run(GNU, args, file, via), run(MRPIPE, args, file, via)]);
    const what = `sort ${args.join(' ')} (${via}) on ${JSON.stringify(input.toString('latin1'))}: ${ours.stderr}`;
    t.is(ours.status, gnu.status, what);
    t.is(ours.stdout.length, 0, what);
    // GNU's "sort: FILE:LINE: disorder: TEXT" names the same line.
    const where = (s: string): string => /:(\d+): disorder: /.exec(s)?.[1] ?? 'none';
    t.is(where(ours.stderr), where(gnu.stderr), what);
    return ours.status === gnu.status && where(ours.stderr) === where(gnu.stderr);
  }), { numRuns: runs(25) });
});

test('-m merges sorted inputs as GNU (operands, with -u and keys)', async (t) => {
  const MERGE = fc.constantFrom<string[]>([], ['-u'], ['-r'], ['-n'], ['-k2,2', '-t', ','], ['-f', '-u'], ['-s', '-k1,1']);
  await fc.assert(fc.asyncProperty(fc.array(LINES, { minLength: 1, maxLength: 3 }), MERGE, async (inputs, args) => {
    // Each input sorted by GNU itself with the same flags, then merged by both.
    const files = await Promise.all(inputs.map(async (lines) => {
      const raw = inputFile(encode(lines, '\n', true));
      const sorted = await run(GNU, args, raw, 'operand');
      return inputFile(sorted.stdout);
    }));
    const [gnu, ours] = await Promise.all([run(GNU, ['-m', ...args, ...files], '', 'pipe'), run(MRPIPE, ['-m', ...args, ...files], '', 'pipe')]);
    t.is(ours.status, gnu.status, ours.stderr);
    t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'), `-m ${args.join(' ')}`);
    return ours.stdout.equals(gnu.stdout);
  }), { numRuns: runs(20) });
});

test('-m with more inputs than --batch-size merges in passes through -T, then removes them', async (t) => {
  const files = ['e\na\nc\n', 'b\nd\n', 'a\na\n', '', 'f\n', 'c\nz\n', 'b\n'].map((x) => inputFile(Buffer.from(x)));
  const tmp = path.join(oracle.path, 'merge-tmp');
  fs.mkdirSync(tmp);
  for (const args of [['--batch-size=2'], ['--batch-size=3', '-u'], ['--batch-size=2', '-r']]) {
    const [gnu, ours] = await Promise.all([run(GNU, ['-m', ...args, ...files], '', 'pipe'), run(MRPIPE, ['-m', '-T', tmp, ...args, ...files], '', 'pipe')]);
    t.is(ours.status, 0, ours.stderr);
    t.is(ours.stdout.toString(), gnu.stdout.toString(), args.join(' '));
  }
  t.deepEqual(fs.readdirSync(tmp), []);
});

test('-R with a --random-source: equal keys stay together, the order is the same run to run', async (t) => {
  const seed = inputFile(Buffer.from('0123456789abcdef0123456789abcdef'));
  await fc.assert(fc.asyncProperty(LINES, fc.constantFrom<string[]>(['-R'], ['-R', '-k1,1'], ['-k2,2R', '-t', ','], ['-fR'], ['-R', '-u']), async (lines, args) => {
    const file = inputFile(encode(lines, '\n', true));
    const a = await run(MRPIPE, [...args, `--random-source=${seed}`], file, 'operand');
    const b = await run(MRPIPE, [...args, `--random-source=${seed}`], file, 'pipe');
    t.is(a.status, 0, a.stderr);
    t.true(a.stdout.equals(b.stdout));
    // The same lines as GNU's (as a multiset; with -u the same set of keys' first lines is not fixed, so count only).
    const gnu = await run(GNU, [...args, `--random-source=${seed}`], file, 'operand');
    const split = (x: Buffer): string[] => x.toString('latin1').split('\n').slice(0, -1);
    if (args.includes('-u')) t.is(split(a.stdout).length, split(gnu.stdout).length);
    else t.deepEqual(split(a.stdout).sort(), split(gnu.stdout).sort());
    // Grouping: once a key's run ends, that key never comes back.
    const key = args.includes('-k1,1') ? (l: string) => l.split(/[ \t]/).filter(Boolean)[0] ?? '' : undefined;
    if (args.length === 1 || key) {
      const seen = new Set<string>();
      let last: string | undefined;
      for (const line of split(a.stdout)) {
        const k = key ? key(line) : line;
        if (k !== last) {
          t.false(seen.has(k), `key ${JSON.stringify(k)} split by -R`);
          seen.add(k);
          last = k;
        }
      }
    }
    return true;
  }), { numRuns: runs(10) });
});

const FIXED: [string, string[], string][] = [
  ['-o x -o y', ['-o', 'OUT1', '-o', 'OUT2'], 'b\na\n'],
  ['-o x -o ./x', ['-o', 'OUT1', '-o', './OUT1'], 'b\na\n'],
  ['abbreviated --rev', ['--rev'], 'a\nc\nb\n'],
  ['abbreviated --nu --u', ['--nu', '--u'], '10\n9\n9\n'],
  ['ambiguous --s', ['--s'], 'a\n'],
  ['--sort=gen', ['--sort=gen'], '1e3\n5\nx\n'],
  ['--sort=human-numeric', ['--sort=human-numeric'], '1G\n5K\n'],
  ['--sort=bogus', ['--sort=bogus'], 'a\n'],
  ['obsolete +1 -2', ['+1', '-2'], 'x 2 a\ny 1 b\n'],
  ['obsolete +0.1n', ['+0.1n'], 'x10\ny9\n'],
  ['obsolete +1.1 -1.3', ['+1.1', '-1.3'], 'x abcd\ny aacd\nz abbb\n'],
  ['-gn incompatible', ['-gn'], '1\n'],
  ['-k1,1Vd incompatible', ['-k1,1Vd'], '1\n'],
  ['-c with two files', ['-c', 'INPUT', 'INPUT'], 'a\n'],
  ['-c -o', ['-c', '-o', 'OUT1'], 'a\n'],
  ['-cC', ['-c', '-C'], 'a\n'],
  ['--batch-size=1', ['--batch-size=1'], 'a\n'],
  ['--batch-size=2', ['--batch-size=2', '-n'], '3\n1\n2\n'],
  ['-n 0x80 thousands separator', ['-n'], '1\x80000\n999\n1000\n-1\x802\n-13\n'],
  ['-h with 0x80', ['-h'], '1\x80000K\n2M\n'],
  ['-R empty random source', ['-R', '--random-source=/dev/null'], 'a\n'],
  ['-M', ['-M'], 'dec\n jan\nFeB\nfoo\n'],
  ['-V dotfiles', ['-V'], 'b\n.\n..\n.b\na1.tar.gz\na10.tar.gz\na2.tar.gz\n'],
];

for (const [name, args, input] of FIXED) {
  test(`fixed case: ${name}`, async (t) => {
    const { dir: d, cleanup: done } = tempDir();
    try {
      const file = path.join(d, 'input');
      fs.writeFileSync(file, Buffer.from(input, 'latin1'));
      const withPaths = (a: string[]): string[] => a.map((x) => x.replace(/^(\.\/)?(OUT\d)$/, (_m, dot: string | undefined, o: string) => path.join(d, (dot ?? '') + o)).replace(/^INPUT$/, file));
      const gnu = await run(GNU, withPaths(args), file, 'redirect');
      const gnuFiles = fs.readdirSync(d).sort();
      for (const f of gnuFiles) if (f !== 'input') fs.rmSync(path.join(d, f));
      const ours = await run(MRPIPE, withPaths(args), file, 'redirect');
      t.is(ours.status, gnu.status, ours.stderr);
      t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'));
      t.deepEqual(fs.readdirSync(d).sort(), gnuFiles, 'the same files are created');
      if (gnu.status === 2) t.regex(ours.stderr, /mrpipe sort: ./);
    } finally {
      done();
    }
  });
}

test('-o naming the input, with options: the file is replaced by its sorted self, as GNU does', async (t) => {
  for (const args of [['-n'], ['-m'], ['-f', '-u'], ['-z']]) {
    const a = inputFile(Buffer.from('b\n10\nA\n9\na\n'));
    const b = inputFile(Buffer.from('b\n10\nA\n9\na\n'));
    const gnu = await run(GNU, [...args, '-o', a, a], '', 'pipe');
    const ours = await run(MRPIPE, [...args, '-o', b, b], '', 'pipe');
    t.is(ours.status, gnu.status, ours.stderr);
    t.deepEqual(fs.readFileSync(b), fs.readFileSync(a), args.join(' '));
  }
});

test('--files0-from names the inputs; its errors are usage errors', async (t) => {
  const a = inputFile(Buffer.from('b\nd\n'));
  const b = inputFile(Buffer.from('a\nc\n'));
  const list = inputFile(Buffer.from(`${a}\0${b}\0`));
  const ours = await run(MRPIPE, [`--files0-from=${list}`], '', 'pipe');
  const gnu = await run(GNU, [`--files0-from=${list}`], '', 'pipe');
  t.is(ours.status, 0, ours.stderr);
  t.deepEqual(ours.stdout, gnu.stdout);
  for (const bad of [Buffer.from(''), Buffer.from(`${a}\0\0`)]) {
    const f = inputFile(bad);
    t.is((await run(MRPIPE, [`--files0-from=${f}`], '', 'pipe')).status, 2);
  }
  t.is((await run(MRPIPE, [`--files0-from=${list}`, a], '', 'pipe')).status, 2);
});
