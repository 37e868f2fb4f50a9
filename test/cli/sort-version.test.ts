// mrpipe sort -V (and -V or -g keys mixed with others) against the machine's `LC_ALL=C sort`, through the
// CLI: names with and without file suffixes, hidden files, ".", "..", "~", leading zeros, digit runs past
// 2^64, NULs and high bytes; -r, -s, -u, several keys, -t, -f/-d/-i copies of keys, -z; the keyed byte path
// with runs spilled (-S 1 is 64 KiB: the input is repeated past it). -R (our hash, not GNU's MD5): spilled
// equals in memory, equal keys together.
import test from 'ava';
import fc from 'fast-check';
import { GNU, MRPIPE, run, oracleDir, oracleRuns, type Via } from './sort-oracle.ts';

const oracle = oracleDir(test);

const NAME = fc.oneof(
  fc.constantFrom('', '.', '..', '...', '.a', '.0.a', '.a~', '.bashrc', 'a', 'a0', 'a00', 'a0b', 'ab', 'a1', 'a01', 'a1~', 'a1.0', '1.01', '1.1',
    '1.10', '1.9', '~', '~1', '1~rc1', '1', '0', '00', 'file.tar.gz', 'file1.txt', 'file10.txt', 'file.txt~', 'a.b.c', 'x.~1', '1.0a', '01.1',
    'a\0b', 'foo-1.2.3.tar.gz', 'foo-1.2.3', 'foo-1.2.10.tar.gz', 'A', 'z', '_', '\xff', '\x80', 'v1.2-rc1', 'v1.2~rc1', `1${'0'.repeat(30)}`,
    '18446744073709551617', '18446744073709551616', ' 2', '\t.a', 'B.1', 'b.1'),
  fc.stringMatching(/^[0a1~.Z9_-]{0,8}$/),
);
const NUMBER = fc.constantFrom('1e3', '-1e3', '1E-2', 'inf', '-inf', '0x10', '0x1p-16445', '1e-400', '1e4933', '0.1', '0.1000000000000000000001',
  '1.0000000000000000001', '1', '1.0', '+1', ' -0', 'x', '');
const LINES = fc.array(fc.tuple(NAME, fc.oneof(NAME, NUMBER), fc.constantFrom(' ', '\t', ',')), { minLength: 1, maxLength: 24 })
  .map((rows) => rows.map(([a, b, sep]) => `${a}${sep}${b}`));
const ARGS = fc.constantFrom<string[]>(
  ['-V'], ['-Vr'], ['-Vs'], ['-Vu'], ['-Vru'], ['-fV'], ['-dV'], ['-iV'], ['-bV'], ['--sort=version'],
  ['-k1,1V'], ['-k2,2V', '-k1,1'], ['-k1,1Vr', '-k2,2g'], ['-k2,2g', '-k1,1V', '-u'], ['-t,', '-k2V', '-s'], ['-t', '\t', '-k2,2gr', '-k1,1V'],
  ['-k1.2,1.4V', '-r'], ['-k2,2n', '-k1V'], ['-k1,1fV', '-k2,2', '-u'], ['-gu', '-k2,2'], ['-z', '-V'],
);

test('-V and -g keys equal LC_ALL=C sort: stdout and status, as operand, < file and pipe', async (t) => {
  await fc.assert(fc.asyncProperty(LINES, ARGS, fc.constantFrom<Via>('operand', 'redirect', 'pipe'), async (lines, args, via) => {
    const file = oracle.file(lines.map((l) => `${l}${args.includes('-z') ? '\0' : '\n'}`).join(''));
    const [gnu, ours] = await Promise.all([run(GNU, args, file, via), run(MRPIPE, args, file, via)]);
    const what = `sort ${args.join(' ')} (${via}) on ${JSON.stringify(lines)}: ${ours.stderr}`;
    t.is(ours.status, gnu.status, what);
    t.is(ours.stdout.toString('latin1'), gnu.stdout.toString('latin1'), what);
    return ours.status === gnu.status && ours.stdout.equals(gnu.stdout);
  }), { numRuns: oracleRuns(100, 5) });
});

test('-V and -g through spilled runs (-S 1): ~500 KB of names and numbers, several keys, -u', async (t) => {
  const names = fc.sample(fc.tuple(NAME, NUMBER), { numRuns: 30000, seed: 17 }).map(([a, b]) => `${a.replace(/\0/g, '')} ${b}\n`);
  const file = oracle.file(names.join(''));
  for (const args of [['-V'], ['-k2,2g', '-k1,1Vr'], ['-Vu', '-k1,1'], ['-k2,2gr', '-s']]) {
    // GNU's output does not depend on -S; its -S 1 (1 KiB) would write hundreds of temp files per sort.
    const [gnu, ours] = await Promise.all([run(GNU, args, file, 'operand'), run(MRPIPE, ['-S', '1', ...args], file, 'operand')]);
    t.is(ours.status, 0, ours.stderr);
    t.true(ours.stdout.equals(gnu.stdout), args.join(' '));
  }
});

test('-R on byte keys: spilled runs (-S 1) give the in-memory order for a seed, equal keys together', async (t) => {
  const names = fc.sample(NAME, { numRuns: 30000, seed: 5 }).map((a) => `${a.replace(/[\0\n]/g, '')}\n`);
  const file = oracle.file(names.join(''));
  const seed = oracle.file(Buffer.from('0123456789abcdef'));
  for (const args of [['-R'], ['-fR', '-u'], ['-k1,1R', '-r']]) {
    const [small, big] = await Promise.all([run(MRPIPE, ['-S', '1', ...args, `--random-source=${seed}`], file, 'operand'),
      run(MRPIPE, [...args, `--random-source=${seed}`], file, 'operand')]);
    t.is(small.status, 0, small.stderr);
    t.true(small.stdout.equals(big.stdout), args.join(' '));
    const lines = small.stdout.toString('latin1').split('\n');
    lines.pop(); // after the last newline
    const fold = args[0] === '-fR' ? (l: string): string => l.toUpperCase() : (l: string): string => l;
    const seen = new Set<string>();
    let grouped = true;
    for (let i = 0; i < lines.length; i++) {
      const k = fold(lines[i]);
      if (i > 0 && fold(lines[i - 1]) === k) continue;
      if (seen.has(k)) grouped = false;
      seen.add(k);
    }
    t.true(grouped, `${args.join(' ')}: equal keys apart`);
  }
});
