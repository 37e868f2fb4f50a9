// Errors of the file system said in the user's terms (issue 16, F17): `run -o` on a read-only file system
// names OUT, not a hidden lock file; a full disk while copying stdin says where and what to do; `generate`
// on a full disk is not a raw errno line (nor, on a stdout redirected to a full disk, exit 0); a full
// stdout does not suggest --tmp-dir; `-o` through a dangling symlink fails before any input is read.
// Read-only and small file systems are real tmpfs mounts where `mount` is allowed (root); elsewhere the
// small disk is `ulimit -f` (EFBIG) and the read-only case is skipped (each test logs which).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir, tree } from './helpers.ts';

/** Mounts a tmpfs at path (options e.g. 'size=256k' or 'ro'); false where mount is not allowed. */
function mount(path: string, options: string): boolean {
  if (process.env.MRPIPE_TEST_NO_MOUNT === '1') return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs body with dir/name mounted (or not: mounted false), unmounting after. */
async function withMount(dir: string, name: string, options: string, body: (path: string, mounted: boolean) => Promise<void>): Promise<void> {
  const path = join(dir, name);
  mkdirSync(path);
  const mounted = mount(path, options);
  try {
    await body(path, mounted);
  } finally {
    if (mounted) execFileSync('umount', ['-l', path], { stdio: 'ignore' });
  }
}

const NO_STACK = /\n\s+at |^Error:|EROFS: read-only file system, open/m;

test('run -o on a read-only file system names OUT and its directory, not the lock file', (t) => inTempDir(async (dir) => {
  writeFileSync(join(dir, 'in.txt'), 'a b\n');
  await withMount(dir, 'ro', 'ro,size=64k', async (ro, mounted) => {
    if (!mounted) { t.log('mount not allowed here: skipped'); t.pass(); return; }
    const r = await cli(['run', 'wordcount', join(dir, 'in.txt'), '-o', join(ro, 'out'), '-q']);
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /output .*ro\/out: its directory .*ro is on a read-only file system — .*choose another -o/);
    t.notRegex(r.stderr, /mrpipe-lock/);
    t.notRegex(r.stderr, NO_STACK);
  });
}));

test('a full disk while copying stdin says where (the job temp dir) and what to do', (t) => inTempDir(async (dir) => {
  const input = Buffer.alloc(600 * 1024, 'word x\n');
  await withMount(dir, 'small', 'size=256k', async (small, mounted) => {
    t.log(mounted ? 'tmpfs of 256 KB' : 'ulimit -f fallback (EFBIG)');
    const r = await cli(['run', 'wordcount', '-T', small, '-q'], { input, prelude: mounted ? undefined : "trap '' XFSZ; ulimit -f 16" });
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /disk full \((ENOSPC|EFBIG)\) copying stdin into the job temp dir .*small.*point -T \/ --tmp-dir \(or TMPDIR\) at a larger disk/);
    t.deepEqual(tree(small), [], 'nothing left on the small disk');
  });
}));

test('generate and the other commands on a full stdout: one line, exit 1, no --tmp-dir hint', (t) => inTempDir(async (dir) => {
  writeFileSync(join(dir, 'in.txt'), 'b a\n'.repeat(50_000));
  for (const args of [['generate', 'text', '--size', '2MB'], ['sort', join(dir, 'in.txt')], ['map', 'wordcount', join(dir, 'in.txt')],
    ['wordcount', join(dir, 'in.txt')]]) {
    const r = await cli(args, { prelude: 'exec >/dev/full' });
    t.is(r.status, 1, `${args[0]}: ${r.stderr}`);
    t.regex(r.stderr, /writing stdout: no space left on device \(ENOSPC\) — free space on its disk, or write somewhere else/, args[0]);
    t.notRegex(r.stderr, /--tmp-dir/, args[0]);
    t.notRegex(r.stderr, NO_STACK, args[0]);
  }
  // stdout redirected to a file on a full disk: never exit 0 with a truncated file.
  await withMount(dir, 'small', 'size=256k', async (small, mounted) => {
    if (!mounted) { t.log('mount not allowed here: the full-file case is skipped'); return; }
    const r = await cli(['generate', 'text', '--size', '2MB'], { prelude: `exec >${join(small, 'g.txt')}` });
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /generate: writing stdout: no space left on device/);
    const g = await cli(['generate', 'text', '--size', '2MB', '-o', join(small, 'h.txt')]);
    t.is(g.status, 1, g.stderr);
    t.regex(g.stderr, /generate: writing .*h\.txt: no space left on device/);
    t.false(existsSync(join(small, 'h.txt')));
  });
}));

test('-o through a dangling symlink fails before any input is read (run, sort)', (t) => inTempDir(async (dir) => {
  symlinkSync('missing/out', join(dir, 'dangling'));
  // stdin is held open and never written: a command that read it first would hang.
  const run = await cli(['run', 'wordcount', '-o', join(dir, 'dangling'), '-q'], { openStdin: true });
  t.is(run.status, 1, run.stderr);
  t.regex(run.stderr, /dangling is a symlink to a missing path/);
  const sort = await cli(['sort', '-o', join(dir, 'dangling')], { openStdin: true });
  t.is(sort.status, 1, sort.stderr);
  t.regex(sort.stderr, /cannot write .*dangling: no such file or directory/);
  t.deepEqual(readdirSync(dir), ['dangling']);
}));
