// The lock beside OUT: its temp file never follows a planted symlink (issue 16, F10); a stale lock whose
// pid now belongs to an unrelated live process is taken over, and a held one says how to clear it (F14);
// the dirs it names are absolute, so --resume from another working directory finds them (F19).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cli, debrisBeside, emptyDir, inTempDir, reap, signalAndWait, startCliWhen, tree, wordcountJobFiles } from './helpers.ts';

const SMALL = ['--streaming', 'off', '-q'];

test('symlinks planted at the old PID-based lock temp name are never followed', (t) => inTempDir(async (dir) => {
  writeFileSync(join(dir, 'in.txt'), 'a b a\n');
  writeFileSync(join(dir, 'victim'), 'precious\n');
  // $$ is the pid the CLI will have (bash execs it): the lock's temp file was `.OUT.mrpipe-lock.<pid>`.
  const r = await cli(['run', 'wordcount', 'in.txt', '-o', 'out', ...SMALL], { cwd: dir, prelude: 'ln -s victim .out.mrpipe-lock.$$' });
  t.is(r.status, 0, r.stderr);
  t.is(readFileSync(join(dir, 'victim'), 'utf8'), 'precious\n', 'the victim is untouched');
  t.true(existsSync(join(dir, 'out', '_SUCCESS')));
  // The planted link is someone else's name: left alone until a later run takes over a dead holder's debris.
  const left = readdirSync(dir).filter((n) => n.startsWith('.out.'));
  t.is(left.length, 1, left.join(' '));
  t.true(lstatSync(join(dir, left[0])).isSymbolicLink());
}));

test('a stale lock whose pid was reused by an unrelated live process is taken over', (t) => inTempDir(async (dir) => {
  writeFileSync(join(dir, 'in.txt'), 'a b a\n');
  const other = spawn('sleep', ['60']);
  try {
    // The lock of a job killed long ago whose pid now is `sleep`'s: same host, another start time.
    writeFileSync(join(dir, '.out.mrpipe-lock'), JSON.stringify({ pid: other.pid, started: 'another-boot/1', host: hostname(), token: 'dead' }));
    const r = await cli(['run', 'wordcount', 'in.txt', '-o', 'out', ...SMALL], { cwd: dir });
    t.is(r.status, 0, r.stderr);
    t.true(existsSync(join(dir, 'out', '_SUCCESS')));
    t.deepEqual(debrisBeside(join(dir, 'out')), []);
  } finally {
    other.kill();
  }
}));

test('a lock held by a live job (or on another host) is refused with how to clear a stale one', (t) => inTempDir(async (dir) => {
  // The first job blocks on its WAIT line (no `.go` ever comes) until reaped: it holds the lock for as long
  // as the second takes to start, however loaded the machine.
  const { file, job, tmp, out } = wordcountJobFiles(dir, (f) => writeFileSync(f, 'WAIT\n' + Array.from({ length: 400 }, (_, i) => `w${i}`).join('\n') + '\n'));
  const first = await startCliWhen(['run', job, file, '-o', out, '-T', tmp, '-q'], () => existsSync(join(dir, '.out.mrpipe-lock')), 'the lock');
  try {
    const r = await cli(['run', job, file, '-o', out, '-q']);
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, new RegExp(`being written by another mrpipe job \\(pid ${first.child.pid}\\).*the lock is stale: delete .*\\.out\\.mrpipe-lock`));
  } finally {
    await reap(first);
  }
  const elsewhere = join(dir, 'elsewhere');
  writeFileSync(join(dir, '.elsewhere.mrpipe-lock'), JSON.stringify({ pid: 999_999_999, started: 'x/1', host: 'some-other-host', token: 't' }));
  const r = await cli(['run', job, file, '-o', elsewhere, '-q']);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /pid 999999999 on host some-other-host\).*delete .*\.elsewhere\.mrpipe-lock/);
}));

test('--resume from another working directory finds a killed run\'s work dir named by a relative -T', (t) => inTempDir(async (dir) => {
  // WAIT in the last map task holds the first run there (until `in.txt.go`), so the kill lands mid-map.
  const { job } = wordcountJobFiles(dir, (f) => writeFileSync(f, Array.from({ length: 4000 }, (_, i) => (i === 3990 ? 'WAIT' : i % 100 ? `w${i % 97} x` : 'SLOW')).join('\n') + '\n'));
  const args = ['run', job, 'in.txt', '-o', 'out', '-T', 'tmp', '--streaming', 'on', '--threshold', '1', '--map-tasks', '8', '--workers', '1', '--resume', '-q'];
  const tmp = join(dir, 'tmp');
  // Killed once it has committed a map task (so its work dir is worth reusing).
  const killed = await startCliWhen(args, () => tree(tmp).some((p) => /map\/map-\d+\.json$/.test(p)), 'a committed map task', { cwd: dir });
  await signalAndWait(killed, 'SIGKILL');
  t.true(readdirSync(tmp).length > 0, 'the killed run left its work dir');
  writeFileSync(join(dir, 'in.txt.go'), '');
  const sub = emptyDir(dir, 'sub');
  const r = await cli(['run', job, '../in.txt', '-o', '../out', '-T', '../tmp', '--streaming', 'on', '--threshold', '1', '--map-tasks', '8',
    '--workers', '1', '--resume', '--counters'], { cwd: sub });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /reusedMapTasks\t[1-9]/, 'the killed run\'s committed tasks were reused');
  t.deepEqual(tree(tmp), [], 'no work dir leaked');
  t.deepEqual(debrisBeside(join(dir, 'out')), []);
}));
