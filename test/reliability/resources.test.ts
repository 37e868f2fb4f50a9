// Resource limits, hit for real: a full disk while spilling or writing output, too few file descriptors,
// and a memory budget too small to work with.
//
// Disk full: the test mounts a 2 MB tmpfs (as root, where `mount` is allowed). Where it is not (CI
// containers), it falls back to RLIMIT_FSIZE in the child (`ulimit -f`, with SIGXFSZ ignored as Node
// does): writes past the limit fail with EFBIG instead of ENOSPC. Each test logs which one it used;
// MRPIPE_TEST_NO_MOUNT=1 forces the fallback.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli, cliKilledAfter, debrisBeside, emptyDir, gnuSort, gnuWordCountLines, inTempDir, pollWhileRunning, reap, sortedLines, startCli,
  tempDir, tree, wordcountJobFiles,
} from './helpers.ts';
import { FAULTY_WORDCOUNT, writeJob } from './jobs.ts';

interface SmallDisk {
  /** A directory where at most ~2 MB can be written. */
  path: string;
  /** Shell prelude for the child (the fallback's ulimit), or undefined. */
  prelude: string | undefined;
  kind: 'tmpfs' | 'ulimit -f';
  /** What the error must say: ENOSPC on a full file system, EFBIG past RLIMIT_FSIZE. */
  error: RegExp;
  release(): void;
}

function mountTmpfs(path: string): boolean {
  if (process.env.MRPIPE_TEST_NO_MOUNT === '1') return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0755', 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine lets the tests mount a tmpfs (root, no container seccomp in the way). */
const CAN_MOUNT = ((): boolean => {
  const { dir, cleanup } = tempDir();
  const ok = mountTmpfs(dir);
  if (ok) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  cleanup();
  return ok;
})();

function smallDisk(dir: string): SmallDisk {
  const path = join(dir, 'small disk');
  mkdirSync(path);
  if (CAN_MOUNT && mountTmpfs(path)) {
    return {
      path, prelude: undefined, kind: 'tmpfs', error: /ENOSPC|no space left|disk full/i,
      release: () => execFileSync('umount', ['-l', path], { stdio: 'ignore' }),
    };
  }
  // RLIMIT_FSIZE is per file, not per disk: 16 blocks of 1024 bytes (bash) = 16 KB, under any run or part
  // these tests write.
  return { path, prelude: "trap '' XFSZ; ulimit -f 16", kind: 'ulimit -f', error: /EFBIG|file too large|disk full|ENOSPC/i, release: () => {} };
}

/** Runs fn with a small disk in a fresh temp dir (logging which kind), released and removed afterwards. */
function withSmallDisk(t: import('ava').ExecutionContext, fn: (dir: string, disk: SmallDisk) => Promise<void>): Promise<void> {
  return inTempDir(async (dir) => {
    const disk = smallDisk(dir);
    t.log(`small disk: ${disk.kind}`);
    try {
      await fn(dir, disk);
    } finally {
      disk.release();
    }
  });
}

/** 400k distinct keys: ~4 MB of input, well over 2 MB of sorted runs. */
function manyKeys(file: string): void {
  writeFileSync(file, Array.from({ length: 400_000 }, (_, i) => `key${(i * 7919) % 400_009}`).join('\n') + '\n');
}

test('disk full while spilling: mrpipe run fails with a clear error and leaves no temp files', (t) => withSmallDisk(t, async (dir, disk) => {
  const file = join(dir, 'in.txt');
  manyKeys(file);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  const r = await cli(['run', job, file, '-o', out, '-T', disk.path, '--memory', '8MB', '--workers', '2', '--streaming', 'on', '--max-attempts', '1'],
    { prelude: disk.prelude });
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, disk.error);
  if (disk.kind === 'tmpfs') t.regex(r.stderr, /--tmp-dir/, 'says what to do');
  t.false(existsSync(out), 'no output dir');
  t.deepEqual(debrisBeside(out), []);
  t.deepEqual(tree(disk.path), [], 'nothing left on the full disk');
}));

// I/O errors must never count as bad records (the task would go on without spilling and spin or run out
// of heap). Only on a real full file system (ENOSPC); under the ulimit fallback EFBIG is not miscounted.
(CAN_MOUNT ? test : test.skip)('disk full with --bad-records still reports the full disk', (t) => withSmallDisk(t, async (dir, disk) => {
  const file = join(dir, 'in.txt');
  manyKeys(file);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const r = await cliKilledAfter(20_000, ['run', job, file, '-o', join(dir, 'out'), '-T', disk.path, '--memory', '8MB', '--workers', '2',
    '--streaming', 'on', '--max-attempts', '1', '--bad-records', '1000000'], { prelude: disk.prelude });
  t.is(r.status, 1, `exit ${r.status} ${r.signal}`);
  t.regex(r.stderr, disk.error);
}));

test('disk full while writing the output dir: no OUT, nothing left beside it', (t) => withSmallDisk(t, async (dir, disk) => {
  const file = join(dir, 'in.txt');
  manyKeys(file);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(disk.path, 'out');
  const r = await cli(['run', job, file, '-o', out, '--reducers', '1', '-q'], { prelude: disk.prelude });
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, disk.error);
  t.deepEqual(readdirSync(disk.path), [], 'no OUT, no staging dir, no lock');
}));

test('disk full in mrpipe sort and wordcount: exit 1, temp dir cleaned, -o target not created', (t) => withSmallDisk(t, async (dir, disk) => {
  const file = join(dir, 'in.txt');
  manyKeys(file);
  for (const args of [['sort', '-S', '64k', '-T', disk.path, file], ['wordcount', '-m', '64k', '-T', disk.path, file],
    ['sort', '-o', join(disk.path, 'sorted.txt'), file]]) {
    const r = await cli(args, { prelude: disk.prelude });
    t.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, disk.error, args[0]);
    t.deepEqual(tree(disk.path), [], `${args[0]}: nothing left`);
  }
}));

test('disk full in mrpipe wordcount gives a one-line error saying what to do', (t) => withSmallDisk(t, async (dir, disk) => {
  const file = join(dir, 'in.txt');
  manyKeys(file);
  const r = await cli(['wordcount', '-m', '64k', '-T', disk.path, file], { prelude: disk.prelude });
  t.is(r.status, 1);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  t.regex(r.stderr, /--tmp-dir|-T/);
}));

/** Runs `args` under `ulimit -n n`; resolves to the exit. */
function withFds(n: number, args: string[]): ReturnType<typeof cli> {
  return cli(args, { prelude: `ulimit -n ${n}` });
}

test('a moderate fd limit (ulimit -n 128): a job with many runs still completes, merging in passes', (t) => inTempDir(async (dir) => {
  const { file, job, tmp, out } = wordcountJobFiles(dir, manyKeys);
  const r = await withFds(128, ['run', job, file, '-o', out, '-T', tmp, '--memory', '8MB', '--workers', '2', '--streaming', 'on', '--map-tasks', '4', '--threshold', '1']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /mergePasses\t[1-9]/, 'more runs than one merge takes');
  t.deepEqual(sortedLines(out), gnuWordCountLines(file));
  t.deepEqual(tree(tmp), []);
  const s = await withFds(64, ['sort', '-S', '64k', '-T', tmp, file]);
  t.is(s.status, 0, s.stderr);
  t.true(s.stdout.equals(gnuSort(file)));
}));

test('a low fd limit: mrpipe run completes with a smaller fan-in, or fails saying why, leaving nothing', (t) => inTempDir(async (dir) => {
  const { file, job, tmp, out } = wordcountJobFiles(dir, manyKeys);
  const r = await withFds(64, ['run', job, file, '-o', out, '-T', tmp, '--memory', '8MB', '--workers', '2', '--streaming', 'on', '--map-tasks', '4', '--threshold', '1', '-q']);
  if (r.status === 0) t.true(existsSync(join(out, '_SUCCESS')), 'run completed');
  else {
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /file descriptors|ulimit -n|too many open files/i, 'says why');
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
  t.deepEqual(tree(tmp), [], 'temp dir empty');
  t.deepEqual(debrisBeside(out), [], 'nothing beside OUT');
}));

test('an fd limit too low for the worker threads: mrpipe run fails in one line saying what to do, leaving nothing', (t) => inTempDir(async (dir) => {
  const { file, job, tmp, out } = wordcountJobFiles(dir, manyKeys);
  const r = await withFds(32, ['run', job, file, '-o', out, '-T', tmp, '--memory', '8MB', '--workers', '2', '--streaming', 'on', '--map-tasks', '4', '-q']);
  if (r.status === 0) t.true(existsSync(join(out, '_SUCCESS')), 'run completed');
  else {
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /too many open files .*raise ulimit -n or lower --workers/);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  t.deepEqual(tree(tmp), [], 'temp dir empty');
  t.deepEqual(debrisBeside(out), [], 'nothing beside OUT');
}));

test('a low fd limit: mrpipe sort completes with a smaller fan-in, or fails saying why, leaving nothing', (t) => inTempDir(async (dir) => {
  const { file, tmp } = wordcountJobFiles(dir, manyKeys);
  const r = await withFds(32, ['sort', '-S', '16k', '-T', tmp, file]);
  if (r.status === 0) t.true(r.stdout.equals(gnuSort(file)));
  else {
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /file descriptors|ulimit -n|too many open files/i, 'says why');
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
  t.deepEqual(tree(tmp), [], 'temp dir empty');
}));

test('a memory budget too small to work with is refused at start, naming the minimum', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a b\n');
  const out = join(dir, 'out');
  const cases: [string[], RegExp][] = [
    [['--memory', '1MB', '--workers', '2'], /memory budget 1MB is too small: mrpipe needs at least 8MB .*raise --memory or lower --workers/],
    [['--memory', '1k', '--workers', '1'], /too small: mrpipe needs at least 4MB/],
    [['--memory', '0'], /--memory/],
    [['--memory', 'lots'], /--memory/],
  ];
  for (const [flags, message] of cases) {
    // stdin held open: the refusal must come before any input is read.
    const run = startCli(['run', 'wordcount', '-', '-o', out, ...flags], { openStdin: true });
    const r = await run.done;
    t.is(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message);
    t.false(existsSync(out));
  }
}));

test('mrpipe sort -S 1 is refused naming the minimum, or works with a sane number of runs', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `${(i * 7919) % 20_011}`).join('\n') + '\n');
  const tmp = emptyDir(dir);
  const run = startCli(['sort', '-S', '1', '-T', tmp, file]);
  let most = 0;
  // Watch the temp files until it exits or has shown too many, then stop it.
  await pollWhileRunning(run, 5, () => {
    most = Math.max(most, tree(tmp).length);
    return most <= 64;
  });
  const r = await reap(run);
  t.true(most <= 64, `${most} temp files at once for 20000 lines (~110 KB)`);
  if (r.status === 2) t.regex(r.stderr, /at least/);
  else {
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.equals(gnuSort(file)));
  }
}));
