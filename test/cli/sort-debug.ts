// mrpipe sort --debug against the machine's `LC_ALL=C sort --debug` (coreutils 9.1): the annotated output
// byte for byte, the warnings line for line (ours say "mrpipe sort:" where GNU says "sort:") and the
// exit status, over random lines and random key specs (offsets, end before start, b on either end,
// obsolete +POS keys, -t '.' '-' '+', unused global flags).
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { GNU, MRPIPE, run, type Via, oracleDir, oracleRuns } from './sort-oracle.ts';

const runs = (long: number): number => oracleRuns(long, 3);

const oracle = oracleDir(test);
const inputFile = (content: Buffer | string): string => oracle.file(content);

const FIELD = fc.oneof(
  fc.constantFrom('', ' ', '  a', '\tb', 'x\r', 'A', 'b', '\x01c', '\x7f', 'é', '\x80', '\xff', '.', '-', '+'),
  fc.constantFrom('0', '-0', '1', '-1', '007', '1.5', '.5', '-.5', ' 12', '1\x80000', '1.', '-3.e', '12,3', '1.2.3'),
  fc.constantFrom('1e3', '1E-2', '-1e3', 'inf', '-inf', 'nan', '0x10', '0x1p3', '1e', '+5', '  2.5e1x', '\t-0x.8p1'),
  fc.constantFrom('1K', '2k', '3M', '1.5G', '-2T', '0K', '1Q', '1Y', '5 K'),
  fc.constantFrom('jan', ' Feb', 'DEC', 'mar', 'xyz', 'Ja', ' \tOCT', 'junE'),
  fc.stringMatching(/^[a-c0-9 .,+-]{0,6}$/),
);

const LINES = fc.array(fc.tuple(fc.array(FIELD, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', ',', '\t', '  ', '.', '-')), { maxLength: 10 })
  .map((rows) => rows.map(([fields, sep]) => fields.join(sep)));

const MODES = ['', 'b', 'd', 'f', 'i', 'n', 'g', 'h', 'V', 'M', 'nr', 'gb', 'hb', 'bM', 'fi', 'br', 'r'];
const END_FLAGS = ['', 'b', 'n', 'g'];

/** Keys with start/end fields and characters (ends may come before starts), flags on either end. */
const KEY = fc.tuple(
  fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 1, max: 4 })), fc.constantFrom(...MODES),
  fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 0, max: 3 })), fc.constantFrom(...END_FLAGS))),
).map(([f1, c1, flags, end]) => {
  let spec = `${f1}${c1 === null ? '' : `.${c1}`}${flags}`;
  if (end !== null) spec += `,${end[0]}${end[1] === null ? '' : `.${end[1]}`}${end[2]}`;
  return `-k${spec}`;
});

const OPTIONS = fc.record({
  global: fc.constantFrom('', 'n', 'g', 'h', 'M', 'b', 'f', 'd', 'r', 'nr', 'fb', 'i', 'V'),
  keys: fc.array(KEY, { maxLength: 3 }),
  obsolete: fc.option(fc.constantFrom(['+1', '-2'], ['+0.2b', '-1.1'], ['+2n'], ['+0', '-1'], ['+1.1', '-1.3n'])),
  sep: fc.constantFrom(undefined, ',', '\t', '.', '-', '+'),
  stable: fc.boolean(),
  unique: fc.boolean(),
}).map((o) => {
  const args = ['--debug'];
  if (o.global !== '') args.push(`-${o.global}`);
  args.push(...o.keys);
  if (o.obsolete) args.push(...o.obsolete);
  if (o.sep !== undefined) args.push('-t', o.sep);
  if (o.stable) args.push('-s');
  if (o.unique) args.push('-u');
  return args;
});

const VIA = fc.constantFrom<Via>('operand', 'redirect', 'pipe');

async function same(t: { is: (a: unknown, b: unknown, m?: string) => void }, args: string[], input: Buffer, via: Via): Promise<boolean> {
  const file = inputFile(input);
  const [gnu, ours] = await Promise.all([run(GNU, args, file, via), run(MRPIPE, args, file, via)]);
  const what = `sort ${args.map((a) => JSON.stringify(a)).join(' ')} (${via}) on ${JSON.stringify(input.toString('latin1'))}`;
  const warnings = ours.stderr.replaceAll('mrpipe sort: ', 'sort: ');
  t.is(ours.status, gnu.status, `${what}: ${ours.stderr}`);
  t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'), what);
  t.is(warnings, gnu.stderr, what);
  return ours.status === gnu.status && ours.stdout.equals(gnu.stdout) && warnings === gnu.stderr;
}

test('--debug: annotated output and warnings equal LC_ALL=C sort --debug', async (t) => {
  await fc.assert(fc.asyncProperty(LINES, OPTIONS, VIA, async (lines, args, via) => {
    const input = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
    return same(t, args, input, via);
  }), { numRuns: runs(60) });
});

test('--debug with -z, -m and a last line without its newline', async (t) => {
  const cases: [string[], string][] = [
    [['--debug', '-z', '-k2n'], 'a 1\0b 2\nx\0c'],
    [['--debug', '-m', '-k1,1n'], '1 b\n2 a\n10'],
    [['--debug', '-u', '-k2,2'], 'x a\ny a\nz b'],
    [['--debug'], 'b\n\ta\n\n'],
    [['--debug', '-s', '-h', '-k1,1', '-k1,1M', '-k1,1g'], '1Q\n1Y\n 1.5k\n-3.e\n\n12,3\n jAnx\nfeb\n 1e5x\n-inf\n'],
    [['--debug', '-k2,1', '-k3,3n', '-k2.5,2', '-k1.2b,1.1'], 'a b c\nx\n'],
    [['--debug', '-n', '-k1,1f', '-r', '-k2,2'], '1 a\n2 b\n'],
  ];
  for (const [args, input] of cases) await same(t, args, Buffer.from(input, 'latin1'), 'operand');
});

test('--debug with -o or -c is a usage error, as GNU', async (t) => {
  const file = inputFile(Buffer.from('b\na\n'));
  for (const args of [['--debug', '-o', path.join(oracle.path, 'out')], ['--debug', '-c'], ['-C', '--debug']]) {
    const [gnu, ours] = await Promise.all([run(GNU, args, file, 'operand'), run(MRPIPE, args, file, 'operand')]);
    t.is(gnu.status, 2);
    t.is(ours.status, 2, ours.stderr);
    t.is(ours.stderr.replaceAll('mrpipe sort: ', 'sort: '), gnu.stderr);
    t.false(fs.existsSync(path.join(oracle.path, 'out')));
  }
});
