// mrpipe sort --compress-program against the machine's `LC_ALL=C sort`: with -S 1 (raised to 64 KiB) the
// input spills many runs, each written through PROG and read back through `PROG -d`, in plain byte order
// (the LineSorter) and keyed (the Sorter). A PROG that is missing or fails ends the sort with exit 2
// naming it, and the temp dir under -T is left empty.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { GNU, MRPIPE, run, oracleDir, oracleRuns } from './sort-oracle.ts';

const runs = (long: number): number => oracleRuns(long, 3);

const oracle = oracleDir(test);
const inputFile = (content: Buffer | string): string => oracle.file(content);

/** An executable sh script `name` in the test dir. */
function program(name: string, body: string): string {
  const file = path.join(oracle.path, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

const FIELD = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'B', 'é', '\x80', '\0', 'x\r', '10', '9', '-1', '1.5', '2K', 'long-shared-prefix-long-shared-prefix-'),
  fc.stringMatching(/^[a-z0-9 ,.-]{0,12}$/),
);
/** Lines repeated (with a counter) to ~150 KB: past the 64 KiB buffer, so runs spill. */
const BIG = fc.array(fc.array(FIELD, { minLength: 1, maxLength: 3 }).map((f) => f.join(',')), { minLength: 1, maxLength: 20 })
  .map((lines) => {
    const out: string[] = [];
    for (let i = 0, size = 0; size < 150_000; i++) {
      const l = `${lines[i % lines.length]} ${i % 97}`;
      out.push(l);
      size += l.length + 1;
    }
    return Buffer.from(out.map((l) => `${l}\n`).join(''), 'latin1');
  });

const OPTS = fc.constantFrom<string[]>([], ['-r'], ['-u'], ['-n'], ['-k2,2n', '-k1,1'], ['-t', ',', '-k2,2', '-s'], ['-f', '-u'], ['-z']);

test('--compress-program=gzip with -S 1: runs spill compressed, the output equals GNU\'s, the temp dir ends empty', async (t) => {
  const log = path.join(oracle.path, 'calls.log');
  const gz = program('loggz', `echo "$@" >> '${log}'\nexec gzip "$@"`);
  await fc.assert(fc.asyncProperty(BIG, OPTS, async (input, args) => {
    fs.rmSync(log, { force: true });
    // With -z the records end at NULs: the same lines NUL-terminated, so they spill too (one 150 KB record
    // would not).
    const file = inputFile(args.includes('-z') ? Buffer.from(input.toString('latin1').replaceAll('\n', '\0'), 'latin1') : input);
    const tmp = oracle.subdir();
    const [gnu, ours] = await Promise.all([
      // GNU's output does not depend on -S or PROG; its -S 1 (1 KiB) would gzip hundreds of runs per sort.
      run(GNU, args, file, 'operand'),
      run(MRPIPE, [`--compress-program=${gz}`, '-S', '1', '-T', tmp, ...args], file, 'operand'),
    ]);
    const what = `sort ${args.join(' ')}: ${ours.stderr}`;
    t.is(ours.status, 0, what);
    t.true(ours.stdout.equals(gnu.stdout), what);
    t.deepEqual(fs.readdirSync(tmp), [], 'temp dir removed');
    // Every run went through PROG and came back through PROG -d.
    const calls = fs.readFileSync(log, 'utf8').split('\n').filter((l, i, a) => i < a.length - 1);
    const packs = calls.filter((c) => c === '').length;
    t.true(packs >= 1, `${packs} runs compressed`);
    t.is(calls.filter((c) => c === '-d').length, packs, 'each run read back once');
    return ours.status === 0 && ours.stdout.equals(gnu.stdout);
  }), { numRuns: runs(10) });
});

test('--compress-program that is missing or fails: exit 2 naming it, no temp files left', async (t) => {
  const input = inputFile(Buffer.from(Array.from({ length: 30_000 }, (_, i) => `${(i * 7919) % 30_000}\n`).join('')));
  const failing: [string, RegExp][] = [
    ['no-such-compressor-prog', /couldn't execute compress program 'no-such-compressor-prog'/],
    ['false', /compress program 'false' failed \(exit status 1\)/],
    [program('bad-dec', 'if [ "$1" = -d ]; then exit 3; fi\nexec gzip'), /compress program '.*bad-dec' -d failed \(exit status 3\)/],
    [program('bad-comp', 'if [ "$1" = -d ]; then exec gzip -d; fi\ncat > /dev/null; exit 4'), /compress program '.*bad-comp' failed \(exit status 4\)/],
    // Succeeds, but gives back only part of the run.
    [program('cut-dec', 'if [ "$1" = -d ]; then gzip -d | head -c 1000; exit 0; fi\nexec gzip'), /corrupt run file .* cut short/],
  ];
  for (const [prog, message] of failing) {
    for (const args of [[], ['-n']]) {
      const tmp = oracle.subdir();
      const ours = await run(MRPIPE, [`--compress-program=${prog}`, '-S', '1', '-T', tmp, ...args], input, 'operand');
      t.is(ours.status, 2, `${prog} ${args}: ${ours.stderr}`);
      t.regex(ours.stderr, message);
      t.notRegex(ours.stderr, /\n\s+at /, 'no stack trace');
      t.deepEqual(fs.readdirSync(tmp), [], `${prog} ${args}: temp dir removed`);
    }
  }
});

test('--compress-program is only run when runs spill; twice with two names is a usage error, as GNU', async (t) => {
  const small = inputFile(Buffer.from('b\na\n'));
  for (const args of [['--compress-program=no-such-compressor-prog'], ['--compress-program=no-such-compressor-prog', '-n']]) {
    const [gnu, ours] = await Promise.all([run(GNU, args, small, 'operand'), run(MRPIPE, args, small, 'operand')]);
    t.is(ours.status, gnu.status, ours.stderr);
    t.deepEqual(ours.stdout, gnu.stdout);
  }
  const twice = ['--compress-program=gzip', '--compress-program=xz'];
  const [gnu, ours] = await Promise.all([run(GNU, twice, small, 'operand'), run(MRPIPE, twice, small, 'operand')]);
  t.is(gnu.status, 2);
  t.is(ours.status, 2);
  t.regex(ours.stderr, /multiple compress programs specified/);
});

test('-m with more inputs than --batch-size: the merge passes\' temp files go through PROG too', async (t) => {
  const log = path.join(oracle.path, 'merge-calls.log');
  const gz = program('loggz-m', `echo "$@" >> '${log}'\nexec gzip "$@"`);
  const files = ['e\na\nc\n', 'b\nd\n', 'a\na\n', '', 'f\n', 'c\nz\n', 'b\n'].map((x) => inputFile(Buffer.from(x)));
  for (const args of [['--batch-size=2'], ['--batch-size=3', '-u'], ['--batch-size=2', '-r']]) {
    fs.rmSync(log, { force: true });
    const tmp = oracle.subdir();
    const [gnu, ours] = await Promise.all([
      run(GNU, ['-m', '--compress-program=gzip', ...args, ...files], '', 'pipe'),
      run(MRPIPE, ['-m', `--compress-program=${gz}`, '-T', tmp, ...args, ...files], '', 'pipe'),
    ]);
    t.is(ours.status, 0, ours.stderr);
    t.is(ours.stdout.toString(), gnu.stdout.toString(), args.join(' '));
    const calls = fs.readFileSync(log, 'utf8').split('\n').slice(0, -1);
    t.true(calls.includes('') && calls.includes('-d'), calls.join('|'));
    t.deepEqual(fs.readdirSync(tmp), []);
  }
  const tmp = oracle.subdir();
  const bad = await run(MRPIPE, ['-m', '--compress-program=false', '-T', tmp, '--batch-size=2', ...files], '', 'pipe');
  t.is(bad.status, 2);
  t.regex(bad.stderr, /compress program 'false' failed/);
  t.deepEqual(fs.readdirSync(tmp), []);
});
