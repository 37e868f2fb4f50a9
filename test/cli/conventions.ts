// Shell conventions every command shares: exit codes, usage errors, missing inputs, EPIPE, help.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, mrpipe, sh, tempDir, MRPIPE } from './helpers.ts';

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

// bin/mrpipe.js runs under whatever `node` is first on PATH: an old one must get a clear message, not a
// crash deep inside (`fsp.glob is not a function`, `Unknown file extension ".ts"`).
const SYSTEM_NODE = '/usr/bin/node';
const systemNodeVersion = fs.existsSync(SYSTEM_NODE) ? spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node']).stdout.toString().trim() : '';
const systemNodeIsOld = /^(\d+)\./.test(systemNodeVersion) && Number(systemNodeVersion.split('.')[0]) < 22;

(systemNodeIsOld ? test : test.skip)(`an old Node (${SYSTEM_NODE} ${systemNodeVersion}) is told what is needed and how to get it, exit 1`, (t) => {
  const r = spawnSync(SYSTEM_NODE, [BIN, 'run', 'wordcount', 'in.txt'], { cwd: ROOT, env: { ...process.env, MRPIPE_NO_PROGRESS: '1' } });
  t.is(r.status, 1);
  const err = r.stderr.toString();
  t.regex(err, /^mrpipe: needs Node\.js 22\.18 or newer on the 22 line, or 24\.3 or newer; this is Node \d+\.\d+\.\d+ \(\/usr\/bin\/node\)\./);
  t.regex(err, /Install Node 24 .*nodejs\.org/);
  t.regex(err, /npx mrpipe/);
  t.notRegex(err, /glob|Unknown file extension|at /, 'no stack, no internal failure');
  t.is(r.stdout.length, 0);
});

test('a .ts job file over a glob of inputs runs on this Node without an ExperimentalWarning', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'job.ts'), "export default { map(l: string, emit: (k: string, v: number) => void) { emit(l, 1); }, reduce: 'sum' };\n");
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x\ny\n');
    fs.writeFileSync(path.join(dir, 'b.txt'), 'x\n');
    const r = await mrpipe(['run', path.join(dir, 'job.ts'), path.join(dir, '*.txt'), '--streaming', 'on', '--workers', '2'], '', {}, dir);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout.toString(), 'x\t2\ny\t1\n');
    t.notRegex(r.stderr, /Warning/);
  } finally {
    cleanup();
  }
});

test("package.json's engines names the versions the start-up check accepts", (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  t.is(pkg.engines.node, '^22.18.0 || >=24.3.0');
  t.regex(fs.readFileSync(BIN, 'utf8'), /major === 22 \? minor >= 18 : major > 24 \|\| \(major === 24 && minor >= 3\)/);
});

test("commander's own errors name the subcommand (mrpipe sort: …), as the commands' errors do", async (t) => {
  for (const cmd of ['sort', 'wordcount', 'run', 'map', 'generate']) {
    const r = await mrpipe([cmd, '--no-such-flag']);
    t.is(r.status, 2, cmd);
    t.regex(r.stderr, new RegExp(`^mrpipe ${cmd}: unknown option '--no-such-flag'`), cmd);
  }
  const top = await mrpipe(['--no-such-flag']);
  t.regex(top.stderr, /^mrpipe: unknown option '--no-such-flag'/);
});

test('--bad-records takes fail|N in run and in map alike; anything else is a usage error naming both', async (t) => {
  const bad = '{"k":1}\nnot json\n';
  for (const cmd of [['run'], ['map']]) {
    const args = [...cmd, '--map', '(r, emit) => emit(String(r.k), 1)', '--input-format', 'jsonl'];
    const failed = await mrpipe([...args, '--bad-records', 'fail'], bad);
    t.is(failed.status, 1, `${cmd[0]} --bad-records fail`);
    t.regex(failed.stderr, /line 2 \(byte 8\)/);
    const skipped = await mrpipe([...args, '--bad-records', '1'], bad);
    t.is(skipped.status, 0, `${cmd[0]} --bad-records 1: ${skipped.stderr}`);
    t.regex(skipped.stdout.toString(), /^1\t1$/m);
    const wrong = await mrpipe([...args, '--bad-records', 'some'], bad);
    t.is(wrong.status, 2);
    t.regex(wrong.stderr, new RegExp(`^mrpipe ${cmd[0]}: --bad-records must be 'fail' or a count \\(0 or more\\); got 'some'`));
  }
});

test('run -o in a directory that takes no files (/proc) fails up front with a clear message, not a raw ENOENT', async (t) => {
  const r = await mrpipe(['run', 'wordcount', '-o', '/proc/mrpipe-out'], 'a b\n');
  t.is(r.status, 1);
  t.regex(r.stderr, /^mrpipe run: -o \/proc\/mrpipe-out: cannot create files in \/proc \(\w+\) — choose a directory this user can write to\n$/);
  t.notRegex(r.stderr, /mrpipe-lock/);
  const missing = await mrpipe(['run', 'wordcount', '-o', '/nonexistent/dir/out'], 'a b\n');
  t.is(missing.status, 1);
  t.regex(missing.stderr, /-o \/nonexistent\/dir\/out: the directory \/nonexistent\/dir does not exist — create it first/);
});

test('an inline --reduce or --combine that names no built-in lists the built-ins', async (t) => {
  const r = await mrpipe(['run', '--map', '(l, emit) => emit(l, 1)', '--reduce', 'summ'], 'a\n');
  t.is(r.status, 2);
  t.regex(r.stderr, /--reduce must be a function or one of sum, count, .*; got "summ"/);
});
