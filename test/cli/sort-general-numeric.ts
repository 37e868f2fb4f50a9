// mrpipe sort -g against the machine's `LC_ALL=C sort -g`, whose strtold gives x86-64 long doubles (64-bit
// significand, exponents to ±16383, subnormals to 2^-16445): numbers equal as doubles but not as long
// doubles, halfway cases of the 64-bit rounding, the ends of both ranges, hex floats. -s and -u make
// every tie visible (input order kept; only the first of equal values printed).
import test from 'ava';
import fc from 'fast-check';
import { GNU, MRPIPE, run, oracleDir, oracleRuns } from './sort-oracle.ts';

const runs = (long: number): number => oracleRuns(long, 4);

const oracle = oracleDir(test);
const inputFile = (content: Buffer | string): string => oracle.file(content);

const pow2 = (k: number): bigint => 1n << BigInt(k);

/** Integers around 2^53 (doubles' last exact step) and 2^64 (long doubles'): ± a few, halfway points included. */
const NEAR_POWER = fc.tuple(fc.constantFrom(52, 53, 54, 63, 64, 65, 66), fc.integer({ min: -4, max: 4 }), fc.constantFrom('', '.0', 'e0', '.5', '.4999999999999999999999999999'))
  .map(([k, d, tail]) => `${pow2(k) + BigInt(d)}${tail}`);

/** Decimals that differ from a short one past the 17th digit, or not at all. */
const LONG_DECIMAL = fc.tuple(fc.constantFrom('0.1', '1', '2.5', '0.3', '1e-5', '123456789'), fc.integer({ min: 15, max: 30 }), fc.constantFrom('', '0', '1', '5', '9', '49', '51', '50000000000000000000001'))
  .map(([base, zeros, tail]) => {
    const [m, e] = base.split('e');
    const frac = m.includes('.') ? m : `${m}.`;
    return `${frac}${'0'.repeat(zeros)}${tail}${e ? `e${e}` : ''}`;
  });

/** The ends of the long double range: LDBL_MAX, overflow to inf, the smallest subnormal and half of it. */
const EDGE = fc.constantFrom(
  '1.18973149535723176502e+4932', '1.18973149535723176508e+4932', '1.2e4932', '1e4933', 'inf', '-inf', '1e400', '1.7976931348623157e308',
  '1.8e308', '3.64519953188247460253e-4951', '3.6e-4951', '1.82e-4951', '1.8e-4951', '1e-4951', '0', '-0', '0x1p-16445', '0x1p-16446',
  '0x1.8p-16446', '0x1p16383', '0x1.fffffffffffffffep16383', '0x1.ffffffffffffffffp16383', '0x1p16384', '2.2250738585072014e-308', '4.9e-324', '2e-324',
);

/** Hex floats with 64 and 65 significant bits: exact, or halfway and rounded to even. */
const HEX = fc.tuple(fc.bigInt({ min: 0n, max: pow2(68) }), fc.integer({ min: -80, max: 80 }), fc.boolean())
  .map(([m, e, neg]) => `${neg ? '-' : ''}0x${m.toString(16)}p${e}`);

const NUMBER = fc.oneof(NEAR_POWER, LONG_DECIMAL, EDGE, HEX, fc.double().map(String));
const LINE = fc.tuple(fc.constantFrom('', '-', ' ', '+'), NUMBER, fc.constantFrom('', ' x', 'abc'))
  .map(([sign, n, tail]) => (sign === '-' && n.startsWith('-') ? n : sign + n) + tail);

test('-g orders by long double, not double: near-equal values, range ends, hex (stdout and status)', async (t) => {
  await fc.assert(fc.asyncProperty(fc.array(LINE, { minLength: 2, maxLength: 16 }), fc.constantFrom(['-g'], ['-gs'], ['-gu'], ['-gr'], ['-k1,1g', '-s']), async (lines, args) => {
    const file = inputFile(lines.map((l) => `${l}\n`).join(''));
    const [gnu, ours] = await Promise.all([run(GNU, args, file, 'operand'), run(MRPIPE, args, file, 'operand')]);
    const what = `sort ${args.join(' ')} on ${JSON.stringify(lines)}: ${ours.stderr}`;
    t.is(ours.status, gnu.status, what);
    t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'), what);
    return ours.status === gnu.status && ours.stdout.equals(gnu.stdout);
  }), { numRuns: runs(80) });
});

test('-g: values equal as doubles but not as long doubles keep GNU\'s order', async (t) => {
  const pairs = [
    ['0.1000000000000000000001', '0.1'], ['9007199254740993', '9007199254740992'], ['0.10000000000000000001', '0.1'],
    ['18446744073709551617', '18446744073709551616'], ['18446744073709551615', '18446744073709551616'], ['1e400', '1e500'], ['1e-4951', '0'],
  ];
  for (const pair of pairs) {
    for (const args of [['-gs'], ['-gu']]) {
      const file = inputFile(pair.map((l) => `${l}\n`).join(''));
      const [gnu, ours] = await Promise.all([run(GNU, args, file, 'operand'), run(MRPIPE, args, file, 'operand')]);
      t.is(ours.stdout.toString(), gnu.stdout.toString(), `${args} ${pair.join(' ')}`);
    }
  }
});
