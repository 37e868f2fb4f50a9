// Security on a shared machine: the job temp dir is private (0700, made by mkdtemp with a random name),
// spill files are 0600 whatever the umask, output files follow the umask, -o never follows a planted temp
// name and never replaces a FIFO, device or symlink, and input data is only ever data (never evaluated,
// never a prototype key).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byteSortedLines, cli, emptyDir, gnuWordCount, inTempDir, isRunning, pollWhileRunning, q, sh, sleep, sortedLines, startCli,
  tree, wordcountJobFiles,
} from './helpers.ts';
import { FAULTY_WORDCOUNT, FIELD_COUNT, writeJob } from './jobs.ts';

const mode = (p: string): number => statSync(p).mode & 0o777;
const octal = (m: number): string => m.toString(8).padStart(3, '0');

function slowInput(file: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) lines.push(i % 1000 === 999 ? 'SLOW' : `k${(i * 7919) % 40_009} v`);
  writeFileSync(file, lines.join('\n') + '\n');
}

/** The modes of the dirs and files under a temp dir, as sampled while a command runs. */
interface Modes {
  dirs: Map<string, number>;
  files: Map<string, number>;
}

/** Records the current mode of everything under tmp into modes (things removed meanwhile are skipped). */
function sampleModes(tmp: string, modes: Modes): void {
  for (const p of tree(tmp)) {
    try {
      const st = statSync(join(tmp, p));
      (st.isDirectory() ? modes.dirs : modes.files).set(p, st.mode & 0o777);
    } catch { /* removed meanwhile */ }
  }
}

/** Samples the modes of everything under tmp while a command runs (umask 000, so nothing comes from it). */
async function modesWhileRunning(args: string[], tmp: string, feed?: string): Promise<Modes> {
  const modes: Modes = { dirs: new Map(), files: new Map() };
  const run = startCli(args, { prelude: 'umask 000', openStdin: feed !== undefined });
  const running = isRunning(run);
  if (feed !== undefined) {
    for (let i = 0; i < 40 && running() && modes.files.size < 4; i++) {
      run.child.stdin!.write(feed);
      sampleModes(tmp, modes);
      await sleep(20);
    }
    run.child.stdin!.end();
  }
  await pollWhileRunning(run, 3, () => sampleModes(tmp, modes));
  const r = await run.done;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return modes;
}

test('mrpipe run: work dir and its subdirs 0700, run files 0600, lock and staging private — under umask 000', (t) => inTempDir(async (dir) => {
  const { file, job, tmp, out } = wordcountJobFiles(dir, slowInput);
  const run = startCli(['run', job, file, '-o', out, '-T', tmp, '--memory', '8MB', '--workers', '2', '--streaming', 'on', '--map-tasks', '4', '--threshold', '1'],
    { prelude: 'umask 000', env: { MRPIPE_TEST_SLOW_MS: '150' } });
  const modes: Modes = { dirs: new Map(), files: new Map() };
  const beside = new Map<string, number>();
  await pollWhileRunning(run, 3, () => {
    sampleModes(tmp, modes);
    for (const n of ['.out.mrpipe-lock', ...tree(dir).filter((p) => p.startsWith('.out.mrpipe-out-') && !p.includes('/'))]) {
      try {
        beside.set(n, mode(join(dir, n)));
      } catch { /* not there (yet) */ }
    }
  });
  t.is((await run.done).status, 0);
  const { dirs, files } = modes;
  t.true([...files.keys()].some((p) => p.endsWith('.run')), `saw spill runs: ${[...files.keys()].join(' ')}`);
  for (const [p, m] of dirs) t.is(octal(m), '700', `dir ${p}`);
  for (const [p, m] of files) t.is(octal(m), '600', `file ${p}`);
  t.true(beside.has('.out.mrpipe-lock'), 'saw the lock');
  for (const [p, m] of beside) t.is(octal(m), p.endsWith('lock') ? '600' : '700', p);
  // Random names in mkdtemp's shape (six random letters or digits), different every run.
  const workDirs = [...dirs.keys()].filter((p) => !p.includes('/'));
  t.true(workDirs.length > 0 && workDirs.every((p) => /^mrpipe-[A-Za-z0-9]{6}$/.test(p)), workDirs.join(' '));
}));

/** Runs `cmd` twice with spills under umask 000: dir 0700 with a new random name each time, runs 0600. */
function spillModes(t: import('ava').ExecutionContext, cmd: string, flags: string[]): Promise<void> {
  return inTempDir(async (dir) => {
    const tmp = emptyDir(dir);
    const feed = Array.from({ length: 20_000 }, (_, i) => `w${(i * 7919) % 20_011} x${i}`).join('\n') + '\n';
    const names = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const { dirs, files } = await modesWhileRunning([cmd, ...flags, '-T', tmp], tmp, feed);
      t.true(files.size > 0, `${cmd} spilled`);
      for (const [p, m] of dirs) t.is(octal(m), '700', `${cmd} dir ${p}`);
      for (const [p, m] of files) t.is(octal(m), '600', `${cmd} file ${p}`);
      for (const p of dirs.keys()) if (!p.includes('/')) names.add(p);
      t.deepEqual(tree(tmp), [], `${cmd} cleaned up`);
    }
    t.is(names.size, 2, `a new random dir name per run: ${[...names].join(' ')}`);
    t.true([...names].every((n) => /[A-Za-z0-9]{6}$/.test(n)), [...names].join(' '));
  });
}

test('mrpipe sort: spill dir 0700 with a random name, runs 0600 — under umask 000', async (t) => {
  await spillModes(t, 'sort', ['-S', '64k']);
});

test('mrpipe wordcount: spill dir 0700 with a random name, runs 0600 — under umask 000', async (t) => {
  await spillModes(t, 'wordcount', ['-m', '64k']);
});

for (const umask of ['022', '027', '077']) {
  test(`output files follow the umask (${umask}): OUT dir, parts, _SUCCESS, sort -o and wordcount -o`, (t) => inTempDir(async (dir) => {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'b a\nc a\n');
    const out = join(dir, 'out');
    const r = await cli(['run', 'wordcount', file, '-o', out, '-q'], { prelude: `umask ${umask}` });
    t.is(r.status, 0, r.stderr);
    const want = (base: number): string => octal(base & ~parseInt(umask, 8));
    t.is(octal(mode(out)), want(0o777), 'OUT dir');
    for (const n of tree(out)) t.is(octal(mode(join(out, n))), want(0o666), n);
    for (const cmd of ['sort', 'wordcount']) {
      const target = join(dir, `${cmd}.txt`);
      const c = await cli([cmd, '-o', target, file], { prelude: `umask ${umask}` });
      t.is(c.status, 0, c.stderr);
      t.is(octal(mode(target)), want(0o666), `${cmd} -o`);
    }
  }));
}

test('input is data, never code or object keys: JS-looking lines and prototype names count as words', (t) => inTempDir(async (dir) => {
  const marker = join(dir, 'pwned');
  const file = join(dir, 'in.txt');
  const evil = [
    `\${require('fs').writeFileSync('${marker}','')}`,
    `'); require('fs').writeFileSync('${marker}',''); ('`,
    '__proto__ constructor toString hasOwnProperty valueOf __proto__',
    'prototype __defineGetter__ __proto__',
  ];
  writeFileSync(file, evil.join('\n') + '\n');
  const expected = gnuWordCount(file);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  for (const args of [['wordcount', file], ['run', 'wordcount', file], ['run', job, file, '--streaming', 'off'], ['run', job, file, '--streaming', 'on']]) {
    const r = await cli(args);
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.equals(expected), `${args.join(' ')}: ${r.stdout.toString()}`);
  }
  const out = join(dir, 'out');
  t.is((await cli(['run', 'wordcount', file, '-o', out, '-q'])).status, 0);
  t.deepEqual(sortedLines(out), byteSortedLines(expected));
  // JSON records with __proto__ keys stay plain data.
  const jsonl = join(dir, 'in.jsonl');
  writeFileSync(jsonl, '{"__proto__":{"k":"polluted"}}\n{"k":"a","constructor":{"prototype":{"k":"x"}}}\n');
  const fc = writeJob(dir, 'fc.mjs', FIELD_COUNT);
  const j = await cli(['run', fc, jsonl]);
  t.is(j.status, 0, j.stderr);
  t.is(j.stdout.toString(), '"a"\t1\nnull\t1\n');
  t.false(existsSync(marker), 'nothing in the input ran');
  t.is(readFileSync(file, 'utf8'), evil.join('\n') + '\n');
}));

// -o FILE (sort, wordcount, generate, map): temp names are random and opened O_EXCL, and FILE is handled as
// GNU sort -o handles it: a symlink written through, a FIFO or device written directly, a file's mode kept.
const WRITERS: Array<{ cmd: string; args: (input: string) => string[] }> = [
  { cmd: 'sort', args: (input) => ['sort', input] },
  { cmd: 'wordcount', args: (input) => ['wordcount', input] },
  { cmd: 'generate', args: () => ['generate', 'text', '--size', '20KB', '--seed', '3'] },
  { cmd: 'map', args: (input) => ['map', 'wordcount', input] },
];

const INPUT = 'b a\nc a\nd\n';
/** What each writer prints on stdout for INPUT: the expected content of its -o FILE. */
const stdoutOf = new Map<string, Buffer>();
test.before(() => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, INPUT);
  await Promise.all(WRITERS.map(async ({ cmd, args }) => {
    const r = await cli(args(input));
    if (r.status !== 0 || r.stdout.length === 0) throw new Error(`${args(input).join(' ')}: ${r.stderr}`);
    stdoutOf.set(cmd, r.stdout);
  }));
}));

/** INPUT as dir/in.txt, and what `cmd` writes for it. */
function expectedOutput(dir: string, cmd: string): { input: string; want: Buffer } {
  const input = join(dir, 'in.txt');
  writeFileSync(input, INPUT);
  return { input, want: stdoutOf.get(cmd)! };
}

for (const { cmd, args } of WRITERS) {
  test(`${cmd} -o: symlinks planted at the old PID-based temp names are never followed`, (t) => inTempDir(async (dir) => {
    const { input, want } = expectedOutput(dir, cmd);
    writeFileSync(join(dir, 'victim'), 'precious\n');
    // $$ is the pid the CLI will have: bash execs it. These were the names of sort/wordcount, map and generate.
    const planted = ['.out.txt.mrpipe-$$.tmp', 'out.txt.mrpipe-$$.tmp', 'out.txt.partial-$$'];
    const r = await cli([...args(input), '-o', 'out.txt'], { cwd: dir, prelude: planted.map((n) => `ln -s victim ${n}`).join('; ') });
    t.is(r.status, 0, r.stderr);
    t.is(readFileSync(join(dir, 'victim'), 'utf8'), 'precious\n', 'the victim is untouched');
    t.true(readFileSync(join(dir, 'out.txt')).equals(want));
    const links = readdirSync(dir).filter((n) => n.includes('.mrpipe-') || n.includes('.partial-'));
    t.is(links.length, planted.length, links.join(' '));
    for (const n of links) t.true(lstatSync(join(dir, n)).isSymbolicLink(), `${n} left as it was`);
  }));

  test(`${cmd} -o FIFO: a reader gets the bytes and the FIFO stays a FIFO`, (t) => inTempDir(async (dir) => {
    const { input, want } = expectedOutput(dir, cmd);
    const fifo = join(dir, 'pipe');
    sh(`mkfifo ${q(fifo)}`);
    const reader = spawn('cat', [fifo]);
    const got: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => got.push(d));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const r = await cli([...args(input), '-o', fifo]);
    if (r.status !== 0) reader.kill(); // never opened: cat would wait forever
    await readerDone;
    t.is(r.status, 0, r.stderr);
    t.true(Buffer.concat(got).equals(want), 'the reader got the output');
    t.true(lstatSync(fifo).isFIFO(), 'still a FIFO');
    t.deepEqual(readdirSync(dir).sort(), ['in.txt', 'pipe'], 'no temp file left');
  }));

  test(`${cmd} -o LINK writes through the symlink (existing and dangling target), as GNU sort -o`, (t) => inTempDir(async (dir) => {
    const { input, want } = expectedOutput(dir, cmd);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'real'), 'old\n');
    symlinkSync('sub/real', join(dir, 'link'));
    symlinkSync('sub/new', join(dir, 'dangling'));
    for (const [link, target] of [['link', 'sub/real'], ['dangling', 'sub/new']]) {
      const r = await cli([...args(input), '-o', join(dir, link)]);
      t.is(r.status, 0, r.stderr);
      t.true(lstatSync(join(dir, link)).isSymbolicLink(), `${link} is still a link`);
      t.is(readlinkSync(join(dir, link)), target);
      t.true(readFileSync(join(dir, target)).equals(want), `${target} got the output`);
    }
    t.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['new', 'real'], 'no temp file left');
    // GNU sort does the same with the same links.
    writeFileSync(join(dir, 'sub', 'greal'), 'old\n');
    symlinkSync('sub/greal', join(dir, 'glink'));
    sh(`sort -o ${q(join(dir, 'glink'))} ${q(input)}`);
    t.true(lstatSync(join(dir, 'glink')).isSymbolicLink());
    t.is(readFileSync(join(dir, 'sub', 'greal'), 'utf8'), INPUT);
  }));

  test(`${cmd} -o onto an existing 0600 file keeps 0600 (umask 022), as GNU sort -o`, (t) => inTempDir(async (dir) => {
    const { input, want } = expectedOutput(dir, cmd);
    const target = join(dir, 'private.txt');
    writeFileSync(target, 'old\n', { mode: 0o600 });
    const r = await cli([...args(input), '-o', target], { prelude: 'umask 022' });
    t.is(r.status, 0, r.stderr);
    t.is(octal(mode(target)), '600');
    t.true(readFileSync(target).equals(want));
    const gnu = join(dir, 'gnu.txt');
    writeFileSync(gnu, 'old\n', { mode: 0o600 });
    sh(`umask 022; sort -o ${q(gnu)} ${q(input)}`);
    t.is(octal(mode(gnu)), '600', 'GNU sort keeps it too');
  }));
}

test('wordcount -o FILE FILE: the output may be the input', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'words.txt');
  writeFileSync(file, 'b a\nc a\n');
  const want = gnuWordCount(file);
  const r = await cli(['wordcount', '-o', file, file]);
  t.is(r.status, 0, r.stderr);
  t.true(readFileSync(file).equals(want));
  t.deepEqual(readdirSync(dir), ['words.txt']);
}));

test('-o onto a directory fails at once with exit 1 and a clear message, leaving nothing', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a\n');
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  for (const args of [['sort', input], ['wordcount', input], ['map', 'wordcount', input]]) {
    const r = await cli([...args, '-o', sub]);
    t.is(r.status, 1, args[0]);
    t.regex(r.stderr, /cannot write .*sub: is a directory/, args[0]);
  }
  t.deepEqual(readdirSync(sub), []);
  t.deepEqual(readdirSync(dir).sort(), ['in.txt', 'sub']);
}));
