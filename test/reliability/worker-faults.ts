// Worker threads that die, through the real CLI: a worker that exits once is replaced and its task
// retried (same output as a clean run); one that always dies, or runs out of memory, fails the job after
// --max-attempts with the task and file named, leaving no output and no temp files.
import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, debrisBeside, gnuWordCountLines, inTempDir, sortedLines, tree, wordcountJobFiles, type Exit } from './helpers.ts';

function input(file: string, cue: string, at: number): void {
  const lines = Array.from({ length: 3000 }, (_, i) => (i === at ? cue : `w${(i * 31) % 211} z${i % 7}`));
  writeFileSync(file, lines.join('\n') + '\n');
}

const RUN = ['--streaming', 'on', '--map-tasks', '4', '--threshold', '1', '--workers', '2', '--reducers', '2'];

test('a worker thread that exits mid-task is replaced and the task retried: output as a clean run', (t) => inTempDir(async (dir) => {
  const { file, job, tmp, out } = wordcountJobFiles(dir, (f) => input(f, 'EXIT', 1700));
  const r = await cli(['run', job, file, '-o', out, '-T', tmp, ...RUN]);
  t.is(r.status, 0, r.stderr);
  t.true(existsSync(`${file}.exited`), 'the worker did exit once');
  t.deepEqual(sortedLines(out), gnuWordCountLines(file));
  t.true(existsSync(join(out, '_SUCCESS')));
  t.deepEqual(tree(tmp), []);
}));

/** Runs a job whose input has `cue` at line 2501 (2 attempts, 64MB) and hands its exit, OUT and -T dir to check. */
function failingRun(cue: string, check: (r: Exit & { out: string; tmp: string }) => void): Promise<void> {
  return inTempDir(async (dir) => {
    const { file, job, tmp, out } = wordcountJobFiles(dir, (f) => input(f, cue, 2500));
    const r = await cli(['run', job, file, '-o', out, '-T', tmp, ...RUN, '--max-attempts', '2', '--memory', '64MB']);
    check({ ...r, out, tmp });
  });
}

for (const [cue, what] of [['CRASH', /exit|terminat|died/i], ['HOG', /memory|heap/i], ['BOOM', /boom on purpose/]] as const) {
  test(`a worker that always fails (${cue}) fails the job after --max-attempts and leaves nothing`, (t) => failingRun(cue, (r) => {
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, what);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
    t.false(existsSync(r.out), 'no output dir, so no _SUCCESS');
    t.deepEqual(debrisBeside(r.out), []);
    t.deepEqual(tree(r.tmp), [], 'no temp files');
  }));
}

test('a task that throws is reported with its task, file and byte range', (t) => failingRun('BOOM', (r) => {
  t.regex(r.stderr, /in\.txt line 2501 \(byte \d+\): Error: boom on purpose \[task map-\d reads bytes \d+-(\d+|EOF) of .*in\.txt\]/);
}));

for (const cue of ['CRASH', 'HOG']) {
  test(`a worker that dies (${cue}) is reported with its task, file and byte range`, (t) => failingRun(cue, (r) => {
    t.regex(r.stderr, /task map-\d reads bytes \d+-(\d+|EOF) of .*in\.txt/);
  }));
}
