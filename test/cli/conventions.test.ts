// Shell conventions every command shares: exit codes, usage errors, missing inputs, EPIPE, help.
import test from 'ava';
import { mrpipe, sh, MRPIPE } from './helpers.ts';

test('no command prints the help on stderr and exits 2', async (t) => {
  const r = await mrpipe([]);
  t.is(r.status, 2);
  t.regex(r.stderr, /Usage: mrpipe/);
});

test('an unknown command exits 2 and points to --help', async (t) => {
  const r = await mrpipe(['frobnicate']);
  t.is(r.status, 2);
  t.regex(r.stderr, /unknown command 'frobnicate'/);
  t.regex(r.stderr, /--help/);
});

test('an unknown flag exits 2 and names it', async (t) => {
  const r = await mrpipe(['wordcount', '--bogus']);
  t.is(r.status, 2);
  t.regex(r.stderr, /unknown option '--bogus'/);
});

test('a bad size exits 2 and says how to write one', async (t) => {
  const r = await mrpipe(['wordcount', '--memory', 'lots']);
  t.is(r.status, 2);
  t.regex(r.stderr, /--memory: 'lots' is not a size — write e\.g\. 64MB/);
});

test('--help exits 0 with examples on stdout', async (t) => {
  for (const cmd of ['wordcount', 'recipes']) {
    const r = await mrpipe([cmd, '--help']);
    t.is(r.status, 0);
    t.regex(r.stdout.toString(), /Example/);
  }
});

test('a missing input exits 1 naming the file', async (t) => {
  const r = await mrpipe(['wordcount', 'no/such/file.txt']);
  t.is(r.status, 1);
  t.regex(r.stderr, /no\/such\/file\.txt: no such file or directory/);
  t.is(r.stdout.length, 0);
});

test('recipes lists one line per recipe', async (t) => {
  const r = await mrpipe(['recipes']);
  t.is(r.status, 0);
  t.regex(r.stdout.toString(), /^wordcount +\S/m);
});

test('| head -1 ends quietly with status 0 (EPIPE)', (t) => {
  // Many distinct words so the output is far larger than a pipe buffer.
  const out = sh(`seq 1 300000 | ${MRPIPE} wordcount | head -1; echo "status=\${PIPESTATUS[1]}"`);
  t.is(out.toString(), '1\t1\nstatus=0\n');
});

test('a temp dir that does not exist is a usage error naming it, for every command that spills', async (t) => {
  for (const args of [['sort', '-T', '/nonexistent/tmp'], ['wordcount', '--tmp-dir', '/nonexistent/tmp'], ['run', 'wordcount', '--tmp-dir', '/nonexistent/tmp']]) {
    const r = await mrpipe(args, 'a b\n');
    t.is(r.status, 2, args.join(' '));
    t.regex(r.stderr, /\/nonexistent\/tmp: no such directory/);
  }
});
