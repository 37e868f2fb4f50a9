// Faults tried for real: a map that throws, a worker thread that exits, bad records, refused outputs,
// budgets too small, bad keys; every failure leaves no output, no lock and no temp files.
import test from 'ava';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runJob, startJob, type Job, type TaskEvent } from '../../lib/index.ts';
import { fdLimitFailure } from '../../lib/runtime/pool.ts';
import { allLines, FIXTURES, referenceWordCount, tempDir } from './helpers.ts';

const FAULTY = join(FIXTURES, 'faulty.ts');

function linesWith(special: string, at: number, n = 3000): string {
  return Array.from({ length: n }, (_, i) => (i === at ? special : `w${i % 17} v${i % 5}`)).join('\n') + '\n';
}

/** Nothing left behind: no OUT, no lock or staging dir beside it, an empty tmpDir. */
function assertClean(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void; false: (v: boolean, m?: string) => void }, dir: string, out: string, tmp: string) {
  t.false(existsSync(out), 'no output dir');
  t.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no lock or staging beside OUT');
  t.deepEqual(readdirSync(tmp), [], 'temp dir empty');
}

test('a map that throws on one record fails the job naming file, byte range and line', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    const text = linesWith('BOOM', 2000);
    writeFileSync(file, text);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const out = join(dir, 'out');
    const events: TaskEvent[] = [];
    const run = startJob(FAULTY, { inputs: [file], output: out, mapTasks: 3, workers: 2, streaming: true, tmpDir: tmp, maxAttempts: 2 });
    run.on('task', (e) => events.push(e));
    const err = await t.throwsAsync(run.result);
    const offset = text.indexOf('BOOM');
    t.regex(err.message, new RegExp(`in\\.txt line 2001 \\(byte ${offset}\\): Error: boom on purpose`));
    // The BOOM line starts exactly at the end of map-1's range: by the LineRecordReader rule it is map-1's.
    t.regex(err.message, new RegExp(`task map-1 reads bytes \\d+-${offset} of .*in\\.txt`));
    // The map's own error would happen again: failed at once, never retried as if a worker had crashed.
    t.false(events.some((e) => e.state === 'retrying'));
    t.true(events.some((e) => e.id === 'map-1' && e.state === 'failed' && e.attempt === 1));
    assertClean(t, dir, out, tmp);
  } finally {
    cleanup();
  }
});

test('bad records: skipped and counted up to the limit, the job fails beyond it', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    const text = linesWith('BOOM', 10) + 'BOOM\n';
    writeFileSync(file, text);
    const out = join(dir, 'out');
    const r = await runJob(FAULTY, { inputs: [file], output: out, mapTasks: 2, workers: 1, streaming: true, badRecords: 2 });
    t.is(r.counters.mrpipe.badRecords, 2);
    t.deepEqual(allLines(out), referenceWordCount(text.replaceAll('BOOM\n', '')));
    const err = await t.throwsAsync(runJob(FAULTY, { inputs: [file], output: join(dir, 'o2'), streaming: false, badRecords: 1 }));
    t.regex(err.message, /more than 1 bad records/);
  } finally {
    cleanup();
  }
});

test('a worker thread that exits is replaced and its task retried on a fresh worker', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    const text = linesWith('EXIT', 1500);
    writeFileSync(file, text);
    const out = join(dir, 'out');
    const events: TaskEvent[] = [];
    const run = startJob(FAULTY, { inputs: [file], output: out, mapTasks: 4, workers: 2, streaming: true });
    run.on('task', (e) => events.push(e));
    await run.result;
    t.true(existsSync(`${file}.exited`));
    t.true(events.some((e) => e.state === 'retrying' && /exit|terminat/i.test(e.error ?? '')), JSON.stringify(events.filter((e) => e.error)));
    t.deepEqual(allLines(out), referenceWordCount(text.replace('EXIT\n', 'EXIT\n')));
  } finally {
    cleanup();
  }
});

test('an existing output is refused unless overwrite, which replaces it whole', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\n');
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'old-file'), 'x');
    writeFileSync(join(out, '_SUCCESS'), ''); // an earlier output: overwrite: true replaces only those
    const err = await t.throwsAsync(runJob(FAULTY, { inputs: [file], output: out }));
    t.regex(err.message, /already exists.*pass overwrite: true$/, 'the API speaks options, not flags');
    await runJob(FAULTY, { inputs: [file], output: out, overwrite: true, streaming: true });
    t.deepEqual(readdirSync(out).sort(), ['_COUNTERS.json', '_SUCCESS', ...Array.from({ length: readdirSync(out).length - 2 }, (_, i) => `part-0000${i}`)].sort());
  } finally {
    cleanup();
  }
});

test('a second job on the same output is refused while the first is alive', async (t) => {
  const { dir, cleanup } = tempDir();
  const sleeper = spawn('sleep', ['30']);
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\n');
    writeFileSync(join(dir, '.out.mrpipe-lock'), JSON.stringify({ pid: sleeper.pid }));
    const err = await t.throwsAsync(runJob(FAULTY, { inputs: [file], output: join(dir, 'out') }));
    t.regex(err.message, new RegExp(`being written by another mrpipe job \\(pid ${sleeper.pid}\\)`));
    sleeper.kill();
    await new Promise((r) => sleeper.once('exit', r));
    // The holder is gone: its lock is stale and the next job takes over.
    await runJob(FAULTY, { inputs: [file], output: join(dir, 'out') });
    t.true(existsSync(join(dir, 'out', '_SUCCESS')));
  } finally {
    sleeper.kill();
    cleanup();
  }
});

test('bad options and bad jobs are refused before input is read', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\n');
    const out = join(dir, 'out');
    const small = await t.throwsAsync(runJob(FAULTY, { inputs: [file], output: out, memory: '1MB', workers: 2 }));
    t.regex(small.message, /memory budget 1MB is too small: mrpipe needs at least 8MB/);
    const missing = await t.throwsAsync(runJob(FAULTY, { inputs: [join(dir, 'nope.txt')], output: out }));
    t.regex(missing.message, /nope\.txt: no such file/);
    const isDir = await t.throwsAsync(runJob(FAULTY, { inputs: [dir], output: out }));
    t.regex(isDir.message, /is a directory/);
    const noJob = await t.throwsAsync(runJob(join(dir, 'nojob.ts'), { inputs: [file], output: out }));
    t.regex(noJob.message, /nojob\.ts.*not found/);
    const badKey: Job = { map: (_l, emit) => emit(42 as unknown as string, 1), reduce: 'sum' };
    const keyErr = await t.throwsAsync(runJob(badKey, { inputs: [file], output: out, streaming: true }));
    t.regex(keyErr.message, /in\.txt line 1 \(byte 0\): TypeError: emit: key must be a string, got number 42/);
    const asyncReduce: Job = { map: (l: string, emit) => emit(l, 1), reduce: async () => 1 };
    const pErr = await t.throwsAsync(runJob(asyncReduce, { inputs: [file], output: out, streaming: true }));
    t.regex(pErr.message, /reduce returned a Promise/);
    const badReduce = await t.throwsAsync(runJob({ map: () => {}, reduce: 'median' as 'sum' }, { inputs: [file], output: out }));
    t.regex(badReduce.message, /reduce must be a function or one of sum, count/);
    t.false(existsSync(out));
  } finally {
    cleanup();
  }
});

test('a line over maxLineBytes fails naming file and line, is accepted under a higher limit, or skipped as a bad record', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    const text = `a b\n${'x'.repeat(2_000_000)}\nc a\n`;
    writeFileSync(file, text);
    const err = await t.throwsAsync(runJob(FAULTY, { inputs: [file], output: join(dir, 'o1'), streaming: true, maxAttempts: 1, workers: 1 }));
    t.regex(err.message, /in\.txt: line 2 \(byte offset 4\) is longer than maxLineBytes/);
    await runJob(FAULTY, { inputs: [file], output: join(dir, 'o2'), streaming: true, maxLineBytes: '4MB', chunkSize: 65536 });
    t.deepEqual(allLines(join(dir, 'o2')), referenceWordCount(text));
    const r = await runJob(FAULTY, { inputs: [file], output: join(dir, 'o3'), streaming: true, badRecords: 1, chunkSize: 65536 });
    t.is(r.counters.mrpipe.badRecords, 1);
    t.deepEqual(allLines(join(dir, 'o3')), ['a\t2', 'b\t1', 'c\t1']);
  } finally {
    cleanup();
  }
});

test('abort() stops a running job: it rejects, and output and temp files are gone', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, Array.from({ length: 4000 }, (_, i) => (i % 100 === 0 ? 'SLOW' : `w${i % 9}`)).join('\n'));
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const out = join(dir, 'out');
    const run = startJob(FAULTY, { inputs: [file], output: out, mapTasks: 8, workers: 2, streaming: true, tmpDir: tmp, handleSignals: false });
    run.once('task', () => setTimeout(() => run.abort(new Error('stop now')), 50));
    const err = await t.throwsAsync(run.result);
    t.is(err.message, 'stop now');
    assertClean(t, dir, out, tmp);
  } finally {
    cleanup();
  }
});

test('a file that changes while the job reads it, and values JSON cannot carry, are errors', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a\nb\nc\n');
    let grown = false;
    const grow: Job = {
      map: (l: string, emit, ctx) => {
        if (!grown) { grown = true; appendFileSync(ctx.file, 'late line\n'); }
        emit(l, 1);
      },
      reduce: 'sum',
    };
    for (const streaming of [true, false]) {
      grown = false;
      const err = await t.throwsAsync(runJob(grow, { inputs: [file], output: join(dir, `o-${streaming}`), streaming, maxAttempts: 1 }));
      t.regex(err.message, /in\.txt changed while the job read it \(size \d+ -> \d+ bytes\)/);
    }
    writeFileSync(file, 'a\nb\n');
    for (const [what, value] of [['a function', () => 1], ['a BigInt', 10n], ['NaN', NaN], ['Infinity', Infinity]] as const) {
      for (const streaming of [true, false]) {
        const bad: Job = { map: (l: string, emit) => emit(l, l === 'b' ? value : 1) };
        const err = await t.throwsAsync(runJob(bad, { inputs: [file], output: join(dir, 'o2'), streaming }), undefined, what);
        t.regex(err.message, /in\.txt line 2 \(byte 2\): TypeError: value emitted for key "b"/, what);
      }
    }
  } finally {
    cleanup();
  }
});

test('a task that needs more heap than its budget share fails saying to raise memory', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'HOG\n');
    const err = await t.throwsAsync(runJob(join(FIXTURES, 'hog.ts'), { inputs: [file], output: join(dir, 'out'), streaming: true, workers: 1, memory: '16MB' }));
    t.regex(err.message, /heap.*raise memory or lower workers \[task map-0 reads bytes 0-EOF of .*in\.txt\]/);
  } finally {
    cleanup();
  }
});

test('what a dead job left beside OUT is cleared by the next one', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\n');
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(join(dir, '.out.mrpipe-lock'), JSON.stringify({ pid: dead.pid, stageDir: join(dir, '.out.mrpipe-out-zzz') }));
    writeFileSync(join(dir, '.out.mrpipe-lock.123'), '{');
    mkdirSync(join(dir, '.out.mrpipe-out-zzz'));
    writeFileSync(join(dir, '.out.mrpipe-out-zzz', 'part-00000'), 'half');
    mkdirSync(join(dir, '.out.mrpipe-out-yyy'));
    await runJob(FAULTY, { inputs: [file], output: join(dir, 'out'), streaming: true, reducers: 1 });
    t.deepEqual(readdirSync(dir).sort(), ['in.txt', 'out']);
    t.deepEqual(allLines(join(dir, 'out')), ['a\t1', 'b\t1']);
  } finally {
    cleanup();
  }
});

test('a dead job\'s work dir stays named in the lock until a later job reuses or deletes it', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\n');
    const tmp = join(dir, 'tmp');
    const orphan = join(tmp, 'mrpipe-dead1');
    mkdirSync(join(orphan, 'map'), { recursive: true });
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const lock = join(dir, '.out.mrpipe-lock');
    writeFileSync(lock, JSON.stringify({ pid: dead.pid, workDir: orphan }));
    // A job that fails before it could decide about the orphan leaves it named in the lock.
    await t.throwsAsync(runJob(FAULTY, { inputs: [join(dir, 'missing.txt')], output: join(dir, 'out'), tmpDir: tmp }));
    t.true(existsSync(orphan));
    t.deepEqual(JSON.parse(readFileSync(lock, 'utf8')).orphans, [orphan]);
    // The next job takes it over and deletes it (no --resume: nothing to reuse).
    await runJob(FAULTY, { inputs: [file], output: join(dir, 'out'), tmpDir: tmp, streaming: true });
    t.false(existsSync(orphan));
    t.false(existsSync(lock));
    t.deepEqual(readdirSync(tmp), []);
  } finally {
    cleanup();
  }
});

test('running out of file descriptors anywhere in a job is one line saying what to do', (t) => {
  const fromWorker = new Error(", Unknown error: Too many open files '/tmp/x/.out.mrpipe-out-1'");
  const wrapped = new Error('reduce failed [task r0]', { cause: Object.assign(new Error('EMFILE: too many open files, open \'/tmp/run\''), { code: 'EMFILE' }) });
  for (const err of [fromWorker, wrapped]) {
    const e = fdLimitFailure(err, 3) as Error;
    t.regex(e.message, /^too many open files \(\w.*\): the open-file limit is too low for workers: 3; raise ulimit -n or lower workers$/);
    t.false(e.message.includes('\n'));
    t.is(e.cause, err);
  }
  const said = new Error('too many open files (EMFILE) starting a worker thread: raise ulimit -n or lower workers');
  t.is(fdLimitFailure(said, 2), said, 'an error that already says what to do is kept');
  const other = new Error('ENOSPC: no space left on device');
  t.is(fdLimitFailure(other, 2), other, 'other errors pass through');
});
