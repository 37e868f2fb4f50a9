// The keyed sort on normalized byte keys (operators/shuffle/keys/) against the machine's `LC_ALL=C sort`:
// random lines (empty, blank-led, NULs, CRs, long shared prefixes, numbers with signs, decimals, leading
// zeros and 0x80 bytes, sizes, months, general numbers, versions, equal keys) under random key specs (-t,
// -k F.C,F.C with b d f i g n h M V r, global flags, -s, -u, -r, -z), sorted in process with a budget of a
// few hundred bytes so that runs spill and merge in passes. Output byte for byte.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { resolveOrder, type LineOrderOptions } from '../../operators/shuffle/index.ts';
import { KeyedLineSorter, skipSeq, writeSeq } from '../../operators/shuffle/keys/keyedsorter.ts';
import { compileKeys } from '../../operators/shuffle/keys/normkey.ts';
import { encodeNumber } from '../../operators/shuffle/keys/numkey.ts';

const PREFIX = 'long-shared-prefix/long-shared-prefix/long-shared-prefix/';
const FIELD = fc.oneof(
  fc.constantFrom('', ' ', '  a', '\tb', 'a\0b', '\0', '\x01', 'a\x01b', '\x02', 'x\r', 'A', 'a', 'b', 'B', '_z', '\xe9', '\x80', '\xff', '~', '.', 'a b'),
  fc.constantFrom('0', '-0', '00', '1', '-1', '007', '10', '9', '1.5', '1.50', '.5', '-.5', '-0.0', ' 12', '+5', '--1', '-', '0.', '1.\x805'),
  fc.constantFrom('1\x80000', '1\x802', '-3\x804', '\x801', '2\x80', '-\x801', '0\x80.5', '123456789012345678901234567890', '-99999999999999999999.9'),
  fc.constantFrom('1K', '2k', '1023K', '3M', '1.5G', '-2T', '0K', '1P', '1Y', '1Q', '2.0M', '1m', '1\x80K', '-0.0K'),
  fc.constantFrom('jan', ' Feb', 'DEC', 'mar', 'MAY', 'xyz', 'Ja', 'june', ' \tOCT', 'sep'),
  fc.constantFrom('1e3', '1E-2', '-1e3', 'inf', '-Infinity', '0x10', '0x1p3', '-0x1.8p-16446', '1e-400', '1e4933', '2.5e1x', '0.1000000000000000000001',
    '0.1', '1.0000000000000000001', '18446744073709551617', '18446744073709551616', '1e', '0x', '\v7'),
  fc.constantFrom('1.2.3', '1.10', '1.9', 'a-1.10', 'a-1.9', 'file.tar.gz', 'file1.txt', 'file10.txt', '..', '.a', '.0.a', '~1', '1~rc1', 'v2',
    'a.b.c', 'x.~1', '1.0a', '01.1', 'a00', 'a0b', '.', 'foo-1.2.3.tar.gz', 'foo-1.2.3'),
  fc.constantFrom(`${PREFIX}1`, `${PREFIX}2`, PREFIX, `${PREFIX}a b`),
  fc.stringMatching(/^[a-c0-9 .\-\x80]{0,6}$/),
);
const SEPS = [' ', ',', '\t', '  ', '\0'];
const LINES = fc.array(fc.tuple(fc.array(FIELD, { minLength: 1, maxLength: 3 }), fc.constantFrom(...SEPS)), { maxLength: 40 })
  .map((rows) => rows.map(([fields, sep]) => fields.join(sep)));

const FLAGS = ['', 'b', 'd', 'f', 'i', 'n', 'h', 'M', 'fd', 'bf', 'di', 'bn', 'fn', 'bh', 'fh', 'r', 'nr', 'hr', 'Mr', 'fr', 'bdr',
  'g', 'gr', 'bg', 'fg', 'V', 'Vr', 'bV', 'fV', 'dV', 'iV'];
const KEY = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 1, max: 4 })), fc.constantFrom(...FLAGS),
  fc.option(fc.integer({ min: 1, max: 3 })), fc.option(fc.integer({ min: 0, max: 3 })), fc.constantFrom('', 'b'))
  .map(([f1, c1, flags, f2, c2, endB]) =>
    `${f1}${c1 === null ? '' : `.${c1}`}${flags}${f2 === null ? '' : `,${Math.max(f1, f2)}${c2 === null ? '' : `.${c2}`}${endB}`}`);
const OPTIONS = fc.record({
  ordering: fc.constantFrom('', 'b', 'f', 'n', 'd', 'i', 'h', 'M', 'fd', 'bn', 'g', 'V', 'fV'),
  keys: fc.array(KEY, { maxLength: 3 }),
  separator: fc.constantFrom(undefined, ',', '\t', ' ', '\0'),
  stable: fc.boolean(),
  unique: fc.boolean(),
  reverse: fc.boolean(),
  zero: fc.boolean(),
  memory: fc.constantFrom(200, 600, 1 << 20),
  fanIn: fc.constantFrom(2, 3, 16),
});

type Options = LineOrderOptions & { zero: boolean; memory: number; fanIn: number };

function gnuArgs(o: Options): string[] {
  return [...(o.ordering ? [`-${o.ordering}`] : []), ...(o.keys ?? []).map((k) => `-k${k as string}`),
    ...(o.separator !== undefined ? ['-t', o.separator === '\0' ? '\\0' : o.separator] : []),
    ...(o.stable ? ['-s'] : []), ...(o.unique ? ['-u'] : []), ...(o.reverse ? ['-r'] : []), ...(o.zero ? ['-z'] : [])];
}

/** Our sort of `input` in chunks of `step` bytes (lines cut across chunks), or undefined when the flags are refused. */
function keyedSort(input: Buffer, o: Options, step: number): Buffer | undefined {
  let order;
  try { order = resolveOrder(o); } catch { return undefined; }
  const term = o.zero ? 0 : 10;
  const sorter = new KeyedLineSorter({ order, unique: o.unique, terminator: term, memory: o.memory, fanIn: o.fanIn });
  try {
    for (let i = 0; i < input.length; i += step) sorter.write(Buffer.from(input.subarray(i, i + step)));
    sorter.end();
    const c = sorter.finish();
    const out: Buffer[] = [];
    while (c.advance()) out.push(Buffer.from(c.buf.subarray(c.start, c.end)), Buffer.from([term]));
    return Buffer.concat(out);
  } finally {
    sorter.dispose();
  }
}

test('the keyed sort equals LC_ALL=C sort for random keys, flags and lines, spilling and merging runs', (t) => {
  fc.assert(fc.property(LINES, OPTIONS, fc.boolean(), fc.integer({ min: 1, max: 64 }), (lines, o, ended, step) => {
    const term = o.zero ? '\0' : '\n';
    // Under -z a line may hold newlines but no NUL; with -t '\0' only under -z (GNU: no NUL in lines otherwise).
    const ls = o.zero ? lines.map((l) => l.replace(/\0/g, '\n')) : lines;
    const input = Buffer.from(ls.map((l, i) => (i < ls.length - 1 || ended ? l + term : l)).join(''), 'latin1');
    const args = gnuArgs(o);
    const gnu = spawnSync('sort', args, { input, env: { ...process.env, LC_ALL: 'C' } });
    const ours = keyedSort(input, o, step);
    if (ours === undefined) {
      t.not(gnu.status, 0, `${args.join(' ')}: we refused, GNU did not`);
      return gnu.status !== 0;
    }
    t.is(gnu.status, 0, `${args.join(' ')}: GNU refused (${gnu.stderr.toString()}), we did not`);
    t.is(ours.toString('latin1'), gnu.stdout.toString('latin1'), `sort ${args.join(' ')} on ${JSON.stringify(input.toString('latin1'))}`);
    return ours.equals(gnu.stdout);
  }), { numRuns: 400 });
});

test('many equal keys keep input order under -s and -u, through runs and merge passes', (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`${['the', 'a', 'of', 'x'.repeat(i % 7)][i % 4]}\t${i}`);
  const input = Buffer.from(lines.join('\n') + '\n', 'latin1');
  for (const o of [{ stable: true }, { stable: true, reverse: true }, { unique: true }, { unique: true, reverse: true }]) {
    const opts: Options = { keys: ['1,1'], separator: '\t', ...o, zero: false, memory: 4096, fanIn: 3 };
    const gnu = spawnSync('sort', gnuArgs(opts), { input, env: { ...process.env, LC_ALL: 'C' } });
    t.true(keyedSort(input, opts, 1000)?.equals(gnu.stdout), JSON.stringify(o));
  }
});

test('-n keys encode as GNU compares: sign, integer length, digits, fraction; zero whatever its sign', (t) => {
  const enc = (s: string): string => {
    const b = Buffer.from(s, 'latin1');
    const out = Buffer.alloc(b.length + 8);
    return out.subarray(0, encodeNumber(b, 0, b.length, out, 0)).toString('hex');
  };
  t.is(enc('-0.000'), enc(''));
  t.is(enc('1.50'), enc('001.5'));
  t.is(enc('1\x80000'), enc('1000'));
  t.true(enc('-1.55') < enc('-1.5'));
  t.true(enc('9') < enc('10'));
  t.true(enc('0.5') < enc('1'));
  t.true(enc('-1e9') < enc('-.1'));
  // An integer part of 300 digits takes a longer length field, still in order.
  t.true(enc('9'.repeat(247)) < enc('1' + '0'.repeat(300)));
  t.true(enc('-' + '9'.repeat(247)) > enc('-1' + '0'.repeat(300)));
  // Every encoding is followed by a key part here: the skip finds where it ends.
  const order = resolveOrder({ keys: ['1,1nr', '2,2'], separator: ',' });
  const keys = compileKeys(order, false);
  const line = Buffer.from('-12.5,abc\0d,x');
  const out = Buffer.alloc(keys.bound(line.length));
  const end = keys.encode(line, 0, line.length, out, 0);
  t.is(keys.skip(out, 0), end);
});

test('threaded (runs sorted and merged on the LineSorter worker) equals LC_ALL=C sort', (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) lines.push(`${['the', 'a', 'of', 'x'.repeat(i % 7)][i % 4]}${i % 5}\t${(i * 7919) % 113}`);
  const input = Buffer.from(lines.join('\n') + '\n', 'latin1');
  for (const o of [{ keys: ['1,1'], stable: true }, { keys: ['2,2nr', '1,1'] }, { keys: ['2,2n'], unique: true, reverse: true }]) {
    const opts: Options = { separator: '\t', ...o, zero: false, memory: 8192, fanIn: 4 };
    const order = resolveOrder(opts);
    const sorter = new KeyedLineSorter({ order, unique: opts.unique, memory: opts.memory, fanIn: opts.fanIn, threads: true });
    try {
      sorter.write(input);
      const c = sorter.finish();
      const out: Buffer[] = [];
      while (c.advance()) out.push(Buffer.from(c.buf.subarray(c.start, c.end)), Buffer.from('\n'));
      const gnu = spawnSync('sort', gnuArgs(opts), { input, env: { ...process.env, LC_ALL: 'C' } });
      t.true(Buffer.concat(out).equals(gnu.stdout), JSON.stringify(o));
      t.true(sorter.stats.runs > 2);
    } finally {
      sorter.dispose();
    }
  }
});

test('sequence numbers keep their order past 2^32 - 1 (8 bytes from there), ascending and inverted', (t) => {
  const qs = [0, 1, 255, 256, 2 ** 24, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5];
  for (const flip of [0, 255]) {
    const enc = qs.map((q) => {
      const b = Buffer.alloc(16, 0xaa);
      const end = writeSeq(b, 0, q, flip);
      t.is(skipSeq(b, 0, flip), end, `q=${q} flip=${flip}`);
      return b.subarray(0, end);
    });
    for (let i = 1; i < enc.length; i++) t.is(Math.sign(Buffer.compare(enc[i - 1], enc[i])), flip ? 1 : -1, `${qs[i - 1]} vs ${qs[i]}`);
  }
});
