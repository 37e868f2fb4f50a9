// Problems found by the second adversarial pass beyond issue 16's list (docs/RELIABILITY.md lists every case
// tried): stdin named twice, output names near the 255-byte NAME_MAX, a symlink loop as input. Each one was
// a raw errno line (EEXIST, ENAMETOOLONG, ELOOP); SIGHUP is in signals.test.ts.
import test from 'ava';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir } from './helpers.ts';

const NO_RAW = /\n\s+at |E[A-Z]+: [a-z ]+, (open|stat)/;

test("run with stdin named twice ('- -') is refused in one line, not a raw EEXIST", async (t) => {
  const r = await cli(['run', 'wordcount', '-', '-', '-q'], { input: 'a b\n' });
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /stdin \('-'\) is named more than once/);
  t.notRegex(r.stderr, NO_RAW);
});

test('output names near NAME_MAX: sort -o works (a shorter temp name); run -o says how long a name may be', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'b\na\n');
  const long = 'o'.repeat(240);
  const s = await cli(['sort', input, '-o', join(dir, long)]);
  t.is(s.status, 0, s.stderr);
  t.deepEqual(readdirSync(dir).sort(), ['in.txt', long].sort(), 'no temp file left');
  const r = await cli(['run', 'wordcount', input, '-o', join(dir, `${long}x`), '-q']);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /is 241 bytes long: .*at most 229 bytes — choose a shorter -o/);
  t.notRegex(r.stderr, NO_RAW);
}));

test('a symlink loop as input: one line naming it', (t) => inTempDir(async (dir) => {
  symlinkSync('loop2', join(dir, 'loop1'));
  symlinkSync('loop1', join(dir, 'loop2'));
  for (const args of [['wordcount', 'loop1'], ['sort', 'loop1'], ['run', 'wordcount', 'loop1', '-q']]) {
    const r = await cli(args, { cwd: dir });
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /loop1: too many levels of symbolic links/, args[0]);
  }
}));
