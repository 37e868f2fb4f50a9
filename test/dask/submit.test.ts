// `mrpipe submit --engine dask` on a real Dask distributed cluster on loopback (a scheduler and two
// workers, each in its own process group): every part file equals `mrpipe run -o … --reducers 3` byte for
// byte (wordcount, logs, activity), also when a worker is killed with SIGKILL mid-job; a map that throws
// fails the job with the job's own message and leaves no OUT; task dirs are cleaned up; nothing listens
// beyond 127.0.0.1. CI installs python3-distributed (.ci/run) and sets MRPIPE_REQUIRE_DASK=1: there a
// missing `distributed` fails this file; elsewhere the cluster tests are skipped with the reason logged.
import test from 'ava';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BIN, mrpipe, tempDir, type Result } from '../cli/helpers.ts';
import { submitJob } from '../../lib/index.ts';
import { daskPython, listenersOf, startCluster, type Cluster } from './cluster.ts';

const python = daskPython();
const required = process.env.MRPIPE_REQUIRE_DASK === '1' || (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false');
const withCluster = python || required ? test.serial : test.serial.skip;
if (!python && !required) console.log('test/dask: skipped: no Python with distributed here (apt-get install python3-distributed)');

const tmp = tempDir();
let cluster: Cluster | undefined;
let clusterError: Error | undefined;

test.before(async () => {
  if (!python) return;
  try {
    cluster = await startCluster(python, fs.mkdtempSync(path.join(tmp.dir, 'cluster-')));
  } catch (err) {
    clusterError = err as Error;
  }
});

test.after.always(() => {
  cluster?.stop();
  tmp.cleanup();
});

function need(): Cluster {
  if (!python) throw new Error('no Python with the distributed module: CI must install python3-distributed (.ci/run)');
  if (!cluster) throw clusterError ?? new Error('the cluster did not start');
  return cluster;
}

async function generate(kind: string, size: string): Promise<string> {
  const file = path.join(tmp.dir, `${kind}.in`);
  if (!fs.existsSync(file)) {
    const r = await mrpipe(['generate', kind, '-s', size, '-o', file]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
  return file;
}

function submit(c: Cluster, args: string[]): Promise<Result> {
  return mrpipe(['submit', '--engine', 'dask', '--scheduler', c.address, ...args]);
}

/** Every file of two output directories is the same (part files byte for byte; both committed). */
function sameParts(t: import('ava').ExecutionContext, got: string, want: string): void {
  const parts = fs.readdirSync(want).filter((n) => n.startsWith('part-')).sort();
  t.deepEqual(fs.readdirSync(got).sort(), ['_COUNTERS.json', '_SUCCESS', ...parts]);
  t.is(parts.length, 3);
  for (const p of parts) t.true(fs.readFileSync(path.join(got, p)).equals(fs.readFileSync(path.join(want, p))), `${p} differs`);
}

/** No task dir left in the workers' temp dir, no staging debris beside OUT. */
function clean(t: import('ava').ExecutionContext, c: Cluster): void {
  t.deepEqual(fs.readdirSync(c.workerTmp).filter((n) => n.startsWith('mrpipe-')), [], 'task dirs left behind');
  t.deepEqual(fs.readdirSync(tmp.dir).filter((n) => n.startsWith('.')), [], 'staging dirs or locks left beside OUT');
}

/** The job through the CLI, or through submitJob in code (api). */
async function compare(t: import('ava').ExecutionContext, job: string, kind: string, size: string, api = false): Promise<void> {
  const c = need();
  const input = await generate(kind, size);
  const want = path.join(tmp.dir, `${job}-run`);
  const got = path.join(tmp.dir, `${job}-dask`);
  const local = await mrpipe(['run', job, input, '-o', want, '--reducers', '3', '-q']);
  t.is(local.status, 0, local.stderr);
  if (api) {
    const done: string[] = [];
    const res = await submitJob(job, { scheduler: c.address, inputs: [input], output: got, reducers: 3, splitSize: '256KB', onTask: (id) => done.push(id) });
    t.true(res.mapTasks > 1, 'several map tasks');
    t.deepEqual(res.parts, ['part-00000', 'part-00001', 'part-00002']);
    t.deepEqual(done.sort(), [...Array.from({ length: res.mapTasks }, (_, i) => `map-${i}`), 'reduce-0', 'reduce-1', 'reduce-2'].sort());
  } else {
    const r = await submit(c, [job, input, '-o', got, '--reducers', '3', '--split-size', '256KB']);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stderr, /^mrpipe\.mapTasks\t[2-9]$/m, 'several map tasks');
  }
  sameParts(t, got, want);
  const counters = JSON.parse(fs.readFileSync(path.join(got, '_COUNTERS.json'), 'utf8'));
  const wantCounters = JSON.parse(fs.readFileSync(path.join(want, '_COUNTERS.json'), 'utf8'));
  t.is(counters.mrpipe.mapInputRecords, wantCounters.mrpipe.mapInputRecords, 'map counters summed from every task');
  t.is(counters.mrpipe.outputRecords, wantCounters.mrpipe.outputRecords, 'reduce counters summed from every task');
  clean(t, c);
}

test('submit without Python distributed: exit 2 saying what to install', async (t) => {
  const d = tempDir();
  try {
    fs.writeFileSync(path.join(d.dir, 'in'), 'a b\n');
    const r = await mrpipe(['submit', '--engine', 'dask', '--scheduler', 'tcp://127.0.0.1:9', '--python', path.join(d.dir, 'no-python'),
      'wordcount', path.join(d.dir, 'in'), '-o', path.join(d.dir, 'out')]);
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, /apt-get install python3-distributed/);
    t.false(fs.existsSync(path.join(d.dir, 'out')));
    t.deepEqual(fs.readdirSync(d.dir), ['in'], 'no staging dir, no lock');
  } finally {
    d.cleanup();
  }
});

withCluster('the cluster listens on 127.0.0.1 only', (t) => {
  const c = need();
  const pids = c.groups.flatMap((g) => c.pidsOf(g));
  const addrs = listenersOf(pids);
  t.true(addrs.length >= 3, `scheduler and workers listen: ${addrs.join(' ')}`);
  t.deepEqual(addrs.filter((a) => !a.startsWith('127.0.0.1:')), [], 'nothing beyond loopback');
});

withCluster('activity (secondary sort by group) with 3 reducers: the same part files as mrpipe run', (t) => compare(t, 'activity', 'activity', '1MB'));

withCluster('logs with 3 reducers through submitJob in code: the same part files as mrpipe run', (t) => compare(t, 'logs', 'logs', '1MB', true));

withCluster('a map that throws fails the job after its attempts with the job\'s message; no OUT', async (t) => {
  const c = need();
  const input = path.join(tmp.dir, 'bad.txt');
  fs.writeFileSync(input, 'one\ntwo\nthree boom\nfour\n');
  const out = path.join(tmp.dir, 'bad-out');
  const r = await submit(c, ['--map', '(l, emit) => { if (l.includes("boom")) throw new Error("no boom please"); emit(l, 1); }',
    '--reduce', 'sum', input, '-o', out]);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /task map-0 failed \(3 attempts on Dask\): .*bad\.txt line 3 \(byte 8\): Error: no boom please/);
  t.notRegex(r.stderr, /Traceback|File ".*\.py"/);
  t.false(fs.existsSync(out));
  clean(t, c);
});

withCluster('SIGINT mid-job: submit dies of the signal, no OUT, no staging dir, no lock', async (t) => {
  const c = need();
  const input = await generate('text', '2MB');
  const out = path.join(tmp.dir, 'int-out');
  const child = spawn(process.execPath, [BIN, 'submit', '--scheduler', c.address, 'wordcount', input, '-o', out, '--split-size', '256KB'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (code, sig) => res([code, sig])));
  while (!fs.readdirSync(c.workerTmp).some((n) => n.startsWith('mrpipe-dask-'))) await delay(50);
  child.kill('SIGINT');
  const [code, sig] = await exited;
  t.is(sig, 'SIGINT', `exit ${code}: ${stderr}`);
  t.false(fs.existsSync(out));
  t.deepEqual(fs.readdirSync(tmp.dir).filter((n) => n.startsWith('.')), [], 'staging dir or lock left beside OUT');
  // The cancelled job's tasks end on their own; the next job must not be disturbed by them (checked below).
});

withCluster('wordcount with a worker killed (SIGKILL) mid-job: Dask re-runs its tasks, the same part files', async (t) => {
  const c = need();
  const input = await generate('text', '2MB');
  const want = path.join(tmp.dir, 'wc-run');
  const got = path.join(tmp.dir, 'wc-dask');
  const local = await mrpipe(['run', 'wordcount', input, '-o', want, '--reducers', '3', '-q']);
  t.is(local.status, 0, local.stderr);
  const victim = c.groups[2];
  const job = submit(c, ['wordcount', input, '-o', got, '--reducers', '3', '--split-size', '512KB']);
  let finished = false;
  void job.then(() => { finished = true; });
  // Kill worker 2's whole process group (nanny, worker, its mrpipe task) while one of its tasks runs.
  let killed = false;
  while (!finished && !killed) {
    const pids = c.pidsOf(victim);
    const running = fs.readdirSync(c.workerTmp).some((n) => n.startsWith('mrpipe-dask-') && pids.includes(Number(n.split('-').at(-2))));
    if (running) {
      process.kill(-victim, 'SIGKILL');
      killed = true;
    } else await delay(50);
  }
  const r = await job;
  t.true(killed, 'worker 2 ran a task while the job ran');
  t.is(r.status, 0, r.stderr);
  sameParts(t, got, want);
  clean(t, c);
});
