// The process's surroundings: a closed stdout or stdin (`>&-`, `<&-`) fails like GNU (exit 2, "Bad file
// descriptor") instead of writing into, or reading from, the /dev/null Node puts there (issue 16, F22), while
// `> /dev/null` and `< /dev/null` keep working; an unusable TMPDIR is a usage error naming the directory,
// not a raw mkdtemp stack (F15).
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir, sh, tree } from './helpers.ts';

const COMMANDS: string[][] = [
  ['sort', 'IN'], ['wordcount', 'IN'], ['run', 'wordcount', 'IN', '-q'], ['map', 'wordcount', 'IN'], ['generate', 'text', '--size', '1KB'],
];
const withInput = (args: string[], file: string): string[] => args.map((a) => (a === 'IN' ? file : a));

test('stdout closed (>&-): every command exits 2 with "Bad file descriptor", as GNU sort does', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'b a\na\n');
  // The oracle: GNU sort with its stdout closed.
  t.throws(() => sh(`sort ${file} >&-`), { message: /exited 2/ });
  for (const args of COMMANDS) {
    const r = await cli(withInput(args, file), { prelude: 'exec >&-' });
    t.is(r.status, 2, `${args[0]}: ${r.stderr}`);
    t.regex(r.stderr, /stdout is closed \(Bad file descriptor\)/, args[0]);
  }
}));

test('stdout to /dev/null (write-only, as a shell opens it) still works, and -o FILE needs no stdout', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'b a\na\n');
  for (const args of COMMANDS) {
    const r = await cli(withInput(args, file), { prelude: 'exec >/dev/null' });
    t.is(r.status, 0, `${args[0]}: ${r.stderr}`);
  }
  const out = join(dir, 'sorted.txt');
  const o = await cli(['sort', file, '-o', out], { prelude: 'exec >&-' });
  t.is(o.status, 0, o.stderr);
  t.is(sh(`cat ${out}`).toString(), 'a\nb a\n');
}));

test('stdin closed (<&-): commands reading stdin exit 2 instead of reading it as empty; < /dev/null is empty', async (t) => {
  t.throws(() => sh('sort <&-'), { message: /exited 2/ });
  for (const args of [['sort'], ['wordcount'], ['run', 'wordcount', '-q'], ['map', 'wordcount'], ['reduce', 'wordcount']]) {
    const r = await cli(args, { prelude: 'exec <&-' });
    t.is(r.status, 2, `${args[0]}: ${r.stderr}`);
    t.regex(r.stderr, /stdin is closed \(Bad file descriptor\)/, args[0]);
    const empty = await cli(args, { prelude: 'exec </dev/null' });
    t.is(empty.status, 0, `${args[0]} < /dev/null: ${empty.stderr}`);
    t.is(empty.stdout.length, 0);
  }
});

test('an unusable TMPDIR (no -T) is a usage error naming the directory: wordcount, run, and sort when it spills', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `w${(i * 7919) % 20_011} x`).join('\n') + '\n');
  const notADir = join(dir, 'plain-file');
  writeFileSync(notADir, '');
  for (const tmpdir of [join(dir, 'missing'), notADir]) {
    for (const args of [['wordcount', file], ['run', 'wordcount', file, '-q'], ['sort', '-S', '64K', file], ['sort', '-k1,1', '-S', '64K', file]]) {
      const r = await cli(args, { env: { TMPDIR: tmpdir } });
      t.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      t.true(r.stderr.includes(`${tmpdir} (TMPDIR)`), `${args.join(' ')} names the dir: ${r.stderr}`);
      t.regex(r.stderr, /set TMPDIR to a writable directory, or pass (-T|--tmp-dir) DIR/);
      t.notRegex(r.stderr, /\n\s+at |mkdtemp/, 'no raw stack');
    }
  }
  // A sort that fits in memory needs no temp dir at all (as GNU sort).
  const small = await cli(['sort', file], { env: { TMPDIR: join(dir, 'missing') } });
  t.is(small.status, 0, small.stderr);
  t.deepEqual(tree(dir), ['in.txt', 'plain-file']);
}));
