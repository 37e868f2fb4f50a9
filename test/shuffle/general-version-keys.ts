// The -g, -V and -R byte keys (operators/shuffle/keys/genkey.ts, verkey.ts, normkey.ts) against the
// comparator they replace on the sort path (gnucompare.ts's compareGeneral, compareVersion and
// gnuLineOrder's -R comparison; the first two held to GNU sort by gnuorder.ts): for any two keys, byte order of the
// encodings is the comparator's sign, and equal encodings are exactly the comparator's ties (what -u
// drops). NaNs included: GNU's own NaN order depends on uninitialised bytes, so only the comparator can be
// the oracle for them; -R's order is ours (GNU hashes with MD5), so the comparator is its only oracle too.
import test from 'ava';
import fc from 'fast-check';
import { compareGeneral, compareVersion } from '../../operators/shuffle/keys/gnucompare.ts';
import { gnuLineOrder, resolveOrder } from '../../operators/shuffle/index.ts';
import { encodeGeneral } from '../../operators/shuffle/keys/genkey.ts';
import { compileKeys } from '../../operators/shuffle/keys/normkey.ts';
import { encodeVersion, versionBound } from '../../operators/shuffle/keys/verkey.ts';

type Encode = typeof encodeGeneral;
type Compare = typeof compareGeneral;

function encoded(encode: Encode, s: string): Buffer {
  const b = Buffer.from(s, 'latin1');
  const out = Buffer.alloc(versionBound(b.length) + 16);
  return out.subarray(0, encode(b, 0, b.length, out, 0));
}

/** The byte order of the encodings agrees with the comparator on every pair of `keys`. */
function agrees(encode: Encode, compare: Compare, keys: string[]): string | undefined {
  const enc = keys.map((k) => encoded(encode, k));
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < keys.length; j++) {
      const want = Math.sign(compare(keys[i], 0, keys[i].length, keys[j], 0, keys[j].length));
      const got = Math.sign(Buffer.compare(enc[i], enc[j]));
      if (want !== got) return `${JSON.stringify(keys[i])} vs ${JSON.stringify(keys[j])}: comparator ${want}, bytes ${got}`;
    }
  }
  return undefined;
}

const pow2 = (k: number): bigint => 1n << BigInt(k);
const GENERAL_HARD = fc.constantFrom(
  '', 'x', ' ', 'nan', '-nan', 'NaN(12)', 'nan(', '-NAN', 'nanaeb', 'Nanos', 'inf', '-inf', '+Infinity', 'information', '-infx',
  '0', '-0', '+0', '0.0', '-0e5', '0x0', '-0x0p9', '00', '1', '1.0', '01', '1e0', '10e-1', '1.', '.1', '1.5', '-1.5', '0.1',
  '0.1000000000000000000001', '0.10000000000000000001', '1e-400', '-1e-400', '1e-4951', '3.6e-4951', '1.8e-4951', '0x1p-16445',
  '0x1p-16446', '0x1.8p-16446', '0x1p16383', '0x1.fffffffffffffffep16383', '0x1.ffffffffffffffffp16383', '0x1p16384', '1e4932', '1.2e4932',
  '1e4933', '-1e4933', '1e400', '1.7976931348623157e308', '1.8e308', '4.9e-324', '2e-324', '1.0000000000000000001', '1.00000000000000000001',
  '18446744073709551615', '18446744073709551616', '18446744073709551617', '9007199254740992', '9007199254740993', '9007199254740993.0',
  ' +5', '\t-3e2', '\v\f\r 7', '0x10', '0X1P4', '0x', '0xg', '1e', '1e+', '1e5x', '.5', '5.', '-.5e1', '+-1', '--1', '1e-5', '1e-00005', '3.14159',
  '2.5e-3', '123456789012345678901234', '999999999999999', '9999999999999999', '1e22', '1e23', '4.5e15', '0.000000000000000000000001',
  '1\x002', '1,5', '١', '\xb9',
);
const GENERAL = fc.oneof(
  GENERAL_HARD,
  fc.double().map(String),
  fc.tuple(fc.double({ noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([d, k]) => d.toExponential(k)),
  fc.tuple(fc.bigInt({ min: 0n, max: pow2(70) }), fc.integer({ min: -90, max: 90 })).map(([m, e]) => `0x${m.toString(16)}p${e}`),
  fc.tuple(fc.constantFrom(52, 53, 63, 64, 65), fc.integer({ min: -3, max: 3 }), fc.constantFrom('', '.5', '.4999999999999999999999'))
    .map(([k, d, tail]) => `${pow2(k) + BigInt(d)}${tail}`),
  fc.tuple(fc.constantFrom('', '-', ' ', '+'), fc.stringMatching(/^[0-9.eE+-]{1,12}$/)).map(([a, b]) => a + b),
);

const VERSION_HARD = fc.constantFrom(
  '', '.', '..', '...', '.a', '.0.a', '.a~', '.bashrc', '.1', 'a', 'a0', 'a00', 'a0b', 'ab', 'a1', 'a01', 'a1~', 'a1.0', 'a1.', '1.01', '1.1',
  '1.10', '1.9', '~', '~~', '~1', '1~', '1~rc1', '1', '0', '00', '000a', 'file.tar.gz', 'file1.txt', 'file10.txt', 'file.txt~', 'a.b.c', 'x.~1',
  '1.0a', '01.1', 'a\0b', '\0', 'foo-1.2.3.tar.gz', 'foo-1.2.3', 'foo-1.2.3a', 'foo-1.2.3.tar', 'foo-1.2.10.tar.gz', 'A', 'Z', 'z', '_', '-',
  '\xff', '\x80', 'v1.2', 'v1.2-rc1', 'v1.2~rc1', '1.2.3.4.5', '9'.repeat(300), `1${'0'.repeat(260)}`, 'a.1b', 'a.~b', 'abc.', '.~',
);
const VERSION = fc.oneof(
  VERSION_HARD,
  fc.stringMatching(/^[0a-c1~.Z9_-]{0,10}$/),
  fc.tuple(VERSION_HARD, VERSION_HARD, fc.constantFrom('', '.', '-', '~', '.tar.gz')).map(([a, b, c]) => a + c + b),
);

/**
 * Neighbours at the long double's resolution: M + δ for a 1 to 20 digit M, written as M·10^k, with a point,
 * or with zeros appended (the same value past the fast path's 15 digits).
 */
const CLUSTER = fc.tuple(fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.bigInt({ min: 10n ** 13n, max: 10n ** 15n })),
  fc.oneof(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -6, max: 6 })),
  fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom('e', '.', '0')), { minLength: 2, maxLength: 10 }))
  .map(([m, k, ds]) => ds.map(([d, form]) => {
    const digits = String(m + BigInt(d));
    if (form === '0') return `${digits}${'0'.repeat(16)}e${k - 16}`;
    if (form === 'e' || k >= 0 || -k >= digits.length) return `${digits}e${k}`;
    return `${digits.slice(0, digits.length + k)}.${digits.slice(digits.length + k)}`;
  }));

test('-g byte keys order as compareGeneral: errors < nan < -nan < numbers as long doubles, -0 = 0', (t) => {
  fc.assert(fc.property(fc.oneof(fc.array(GENERAL, { minLength: 2, maxLength: 12 }), CLUSTER), (keys) => {
    const bad = agrees(encodeGeneral, compareGeneral, keys);
    t.is(bad, undefined);
    return bad === undefined;
  }), { numRuns: 600 });
});

test('-V byte keys order as compareVersion (filevercmp): classes, suffixes, digit runs, ~', (t) => {
  fc.assert(fc.property(fc.array(VERSION, { minLength: 2, maxLength: 12 }), (keys) => {
    const bad = agrees(encodeVersion, compareVersion, keys);
    t.is(bad, undefined);
    return bad === undefined;
  }), { numRuns: 600 });
});

test('-g and -V parts end where skip() says, reversed or not, before the next key part', (t) => {
  for (const spec of [['1,1g', '2,2'], ['1,1gr', '2,2V'], ['1,1V', '2,2g'], ['1,1Vr', '2,2Vf'], ['1,1dV', '2,2n']]) {
    for (const descending of [false, true]) {
      const keys = compileKeys(resolveOrder({ keys: spec, separator: ',' }), descending);
      for (const line of ['-1.5e3,x', 'nan,1', ',', 'foo-1.2.tar.gz,0x1p3', '0x1p-16445,.a', '1.0~rc1,a00', `${'7'.repeat(300)}.b~,1e4933`]) {
        const b = Buffer.from(line, 'latin1');
        const out = Buffer.alloc(keys.bound(b.length));
        const end = keys.encode(b, 0, b.length, out, 0);
        t.is(keys.skip(out, 0), end, `${spec} ${descending} ${line}`);
      }
    }
  }
});

test('-g keys: equal long doubles are equal bytes (1 and 1.0, 0.1 and its 21-digit neighbour), different ones not', (t) => {
  const g = (s: string): string => encoded(encodeGeneral, s).toString('hex');
  t.is(g('1'), g('1.0'));
  t.is(g('1'), g(' +1e0'));
  t.is(g('-0'), g('0x0p3'));
  t.is(g('x'), g(''));
  t.is(g('0.1'), g('0.1000000000000000000001'));
  t.not(g('9007199254740993'), g('9007199254740992'));
  t.is(g('1e4933'), g('inf'));
  t.is(g('1e-4952'), g('0'));
  t.not(g('nan'), g('-nan'));
});

test('-R byte keys order as the -R comparator (seeded hash, then key bytes), with -f, -d and r', (t) => {
  const KEY = fc.oneof(fc.constantFrom('', 'a', 'A', 'a\0', '\0', '\x01', '\x01\x02', 'ab', 'a b', '\xff'), fc.string({ maxLength: 6 }));
  fc.assert(fc.property(fc.array(KEY, { minLength: 2, maxLength: 10 }), fc.uint8Array({ minLength: 16, maxLength: 16 }),
    fc.constantFrom('R', 'fR', 'dR', 'Rr'), (keys, seed, ordering) => {
      const lines = keys.map((k) => [...k].map((c) => (c.charCodeAt(0) > 255 ? '?' : c)).join(''));
      const order = resolveOrder({ ordering, randomSeed: seed });
      const enc = compileKeys(order, false);
      const key = (l: string): Buffer => {
        const b = Buffer.from(l, 'latin1');
        const out = Buffer.alloc(enc.bound(b.length));
        return out.subarray(0, enc.encode(b, 0, b.length, out, 0));
      };
      const cmp = gnuLineOrder({ ordering, randomSeed: seed }).keyCompare;
      for (const a of lines) {
        for (const b of lines) {
          const want = Math.sign(cmp(a, b));
          const got = Math.sign(Buffer.compare(key(a), key(b)));
          if (want !== got) t.fail(`-${ordering} ${JSON.stringify(a)} vs ${JSON.stringify(b)}: comparator ${want}, bytes ${got}`);
        }
      }
      t.pass();
    }), { numRuns: 300 });
});
