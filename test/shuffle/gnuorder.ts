// GNU sort's comparison (operators/shuffle/keys/gnukeys.ts + gnucompare.ts) in process against the machine's
// `LC_ALL=C sort` (coreutils 9.1): random lines of numbers, sizes, versions, months, blanks, 0x80 and NULs
// under random global and per-key ordering flags. No CLI spawn, so many cases run in a second or two.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { gnuLineOrder } from '../../operators/shuffle/index.ts';
import { splitLatin1 } from './helpers.ts';

const FIELD = fc.constantFrom(
  '', ' ', '  a', '\tb', 'a\0b', 'x\r', 'A', 'a', 'b', 'B', '_z', '\xe9', '\x80', '\xff', '~', '.', 'a b', 'A-b_c',
  '0', '-0', '1', '-1', '007', '10', '9', '1.5', '1.50', '.5', '-.5', ' 12', '1\x80000', '1\x802', '-3\x804', '-', '--1', '-\x801', '1.\x805',
  '1e3', '1E-2', '-1e3', 'inf', '-inf', 'Infinity', '0x10', '1e', '+5', '  2.5e1x', '0x1p3', '1e-400',
  '1K', '2k', '1023K', '3M', '1.5G', '-2T', '0K', '1P', '1E', '1Z', '1Y', '1Q', '5 K', '2.0M', '-0.0K', '.5K', '1\x80K',
  '1.2.3', '1.10', '1.9', 'a-1.10', 'a-1.9', 'file.tar.gz', 'file1.txt', 'file10.txt', '..', '.a', '~1', '1~rc1', 'v2', 'a.b.c', 'x.~1', '1.0a', '01.1',
  'jan', ' Feb', 'DEC', 'mar', 'MAY', 'xyz', 'Ja', 'june', ' \tOCT',
);
const LINES = fc.array(fc.tuple(fc.array(FIELD, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', ',', '\t', '  ')), { maxLength: 12 })
  .map((rows) => rows.map(([fields, sep]) => fields.join(sep)));
const MODES = ['', 'b', 'd', 'f', 'i', 'n', 'g', 'h', 'V', 'M', 'fd', 'bf', 'di', 'fV', 'bn', 'bg', 'fM', 'fn', 'bh', 'r', 'nr', 'Vr'];
const KEY = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.option(fc.integer({ min: 1, max: 3 })), fc.constantFrom(...MODES),
  fc.option(fc.integer({ min: 1, max: 3 })), fc.option(fc.integer({ min: 0, max: 3 })))
  .map(([f1, c1, flags, f2, c2]) => `${f1}${c1 === null ? '' : `.${c1}`}${flags}${f2 === null ? '' : `,${Math.max(f1, f2)}${c2 === null ? '' : `.${c2}`}`}`);
const OPTIONS = fc.record({
  ordering: fc.constantFrom(...MODES.filter((m) => !m.includes('r'))),
  keys: fc.array(KEY, { maxLength: 2 }),
  separator: fc.constantFrom(undefined, ',', '\t', ' '),
  stable: fc.boolean(),
  unique: fc.boolean(),
  reverse: fc.boolean(),
});

test('gnuLineOrder sorts (and -u dedupes) exactly as LC_ALL=C sort with the same flags', (t) => {
  fc.assert(fc.property(LINES, OPTIONS, (lines, o) => {
    const args = [...(o.ordering ? [`-${o.ordering}`] : []), ...o.keys.map((k) => `-k${k}`), ...(o.separator ? ['-t', o.separator] : []),
      ...(o.stable ? ['-s'] : []), ...(o.unique ? ['-u'] : []), ...(o.reverse ? ['-r'] : [])];
    const input = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1');
    const gnu = spawnSync('sort', args, { input, env: { ...process.env, LC_ALL: 'C' } });
    let ours: string[];
    try {
      const order = gnuLineOrder(o);
      const out: string[] = [];
      for (const l of [...lines].sort(order.compare)) {
        if (!o.unique || out.length === 0 || order.keyCompare(out[out.length - 1], l) !== 0) out.push(l);
      }
      ours = out;
    } catch (err) {
      t.not(gnu.status, 0, `${args.join(' ')}: we refused (${(err as Error).message}), GNU did not`);
      return gnu.status !== 0;
    }
    t.is(gnu.status, 0, `${args.join(' ')}: GNU refused, we did not`);
    t.deepEqual(ours, splitLatin1(gnu.stdout.toString('latin1')), `sort ${args.join(' ')}`);
    return true;
  }), { numRuns: 300 });
});

test('-n: byte 0x80 in the integer part is a thousands separator, as in GNU sort 9.1 (issue 16, F1)', (t) => {
  const lines = ['1\x80000', '999', '1000', '-1\x802', '-13', '1\x80\x800', '2\x80', '\x801', '0.\x805'];
  const order = gnuLineOrder({ numeric: true });
  t.deepEqual([...lines].sort(order.compare), ['-13', '-1\x802', '0.\x805', '\x801', '2\x80', '1\x80\x800', '999', '1000', '1\x80000']);
  t.deepEqual([...lines].sort(order.compare), splitLatin1(spawnSync('sort', ['-n'], { input: Buffer.from(lines.join('\n') + '\n', 'latin1'), env: { ...process.env, LC_ALL: 'C' } }).stdout.toString('latin1')));
});
