import test from 'ava';
import { Sorter, parseKeyDef, type SorterOptions } from '../../operators/shuffle/index.ts';
import { gnuSort, rng } from './helpers.ts';

function sortAll(lines: string[], opts: SorterOptions<string>): string[] {
  const s = new Sorter<string>({ memory: 8000, fanIn: 3, encoding: 'latin1', ...opts });
  for (const l of lines) s.push(l);
  return [...s.finish()];
}

/** Tab/space separated records with numbers, negatives, decimals, blanks and junk. */
function table(count: number, seed: number): string[] {
  const r = rng(seed);
  const nums = ['0', '-0', '1', '-1', '10', '9', '007', '1.5', '1.50', '-2.25', '.5', '-.5', 'abc', '', ' 3', '  -4', '1e3', '12345678901234567890', '3.', '-'];
  const words = ['a', 'b', 'B', 'ab', ' x', 'é', 'zz', ''];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = [words[Math.floor(r() * words.length)], nums[Math.floor(r() * nums.length)], words[Math.floor(r() * words.length)]];
    out.push(f.join(r() < 0.5 ? '\t' : ' '));
  }
  return out;
}

const cases: [string, string[], SorterOptions<string>][] = [
  ['-n', ['-n'], { numeric: true }],
  ['-rn', ['-rn'], { numeric: true, reverse: true }],
  ['-n -u', ['-n', '-u'], { numeric: true, unique: true }],
  ['-t TAB -k2,2n', ['-t', '\t', '-k2,2n'], { separator: '\t', keys: ['2,2n'] }],
  ['-t TAB -k2,2n -s', ['-t', '\t', '-k2,2n', '-s'], { separator: '\t', keys: ['2,2n'], stable: true }],
  ['-k2,2n (blank fields)', ['-k2,2n'], { keys: ['2,2n'] }],
  ['-k3 -k2,2nr', ['-k3', '-k2,2nr'], { keys: ['3', '2,2nr'] }],
  ['-k1.2,1.3', ['-k1.2,1.3'], { keys: ['1.2,1.3'] }],
  ['-k2b,2 -r', ['-k2b,2', '-r'], { keys: ['2b,2'], reverse: true }],
  ['-t TAB -k3,3 -u', ['-t', '\t', '-k3,3', '-u'], { separator: '\t', keys: ['3,3'], unique: true }],
  ['-s -k1,1', ['-s', '-k1,1'], { keys: ['1,1'], stable: true }],
];

for (const [name, args, opts] of cases) {
  test(`matches LC_ALL=C sort ${name}`, (t) => {
    const lines = table(1500, name.length);
    t.deepEqual(sortAll(lines, opts), gnuSort(lines, args));
  });
}

test('parseKeyDef follows GNU positions and rejects bad specs', (t) => {
  t.like(parseKeyDef('2,2n'), { startField: 1, startChar: 0, endField: 1, endChar: 0, numeric: true });
  t.like(parseKeyDef('1.3,1.5r'), { startField: 0, startChar: 2, endField: 0, endChar: 5, reverse: true });
  t.like(parseKeyDef('3b'), { startField: 2, endField: Infinity, skipStartBlanks: true });
  t.throws(() => parseKeyDef('0,1'), { message: /invalid sort key '0,1'/ });
  t.throws(() => parseKeyDef('1X'), { message: /unsupported flag 'X'/ });
  t.like(parseKeyDef('2,2fd'), { foldCase: true, ignore: 'nondictionary', hasFlags: true });
});
