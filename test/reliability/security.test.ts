// Security on a shared machine: the job temp dir is private (0700, made by mkdtemp with a random name),
// spill files are 0600 whatever the umask, output files follow the umask, and input data is only ever
// data (never evaluated, never a prototype key).
import test from 'ava';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byteSortedLines, cli, emptyDir, gnuWordCount, inTempDir, isRunning, pollWhileRunning, sleep, sortedLines, startCli, tree,
  wordcountJobFiles,
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
  // Random names: mkdtemp's six random characters, different every run.
  const workDirs = [...dirs.keys()].filter((p) => !p.includes('/'));
  t.true(workDirs.every((p) => /^mrpipe-[A-Za-z0-9]{6}$/.test(p)), workDirs.join(' '));
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
