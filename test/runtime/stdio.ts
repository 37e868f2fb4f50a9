// stdin to stdout: input '-' is spooled to the job temp dir and split like a file; output '-' is the
// job's output in key order. Progress events add up to the input size.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob, type JobProgress } from '../../lib/index.ts';
import { FIXTURES, referenceWordCount, tempDir } from './helpers.ts';

test('stdin to stdout through worker threads, temp dir left empty', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const text = Array.from({ length: 5000 }, (_, i) => `w${i % 101} ü${i % 7}`).join('\n') + '\n';
    const opts = { inputs: ['-'], output: '-', mapTasks: 4, workers: 2, streaming: true, tmpDir: tmp };
    const r = spawnSync(process.execPath, [join(FIXTURES, 'run-job.ts'), join(FIXTURES, 'wordcount.ts'), JSON.stringify(opts)], { input: text, encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, referenceWordCount(text).join('\n') + '\n');
    t.deepEqual(readdirSync(tmp), []);
  } finally {
    cleanup();
  }
});

test('progress events: bytes read reach the total, tasks all end done', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b c\n'.repeat(20000));
    const seen: JobProgress[] = [];
    await runJob(join(FIXTURES, 'wordcount.ts'), {
      inputs: [file], output: join(dir, 'out'), mapTasks: 3, reducers: 2, workers: 2, streaming: true, onProgress: (p) => seen.push(p),
    });
    const last = seen[seen.length - 1];
    t.is(last.phase, 'done');
    t.is(last.bytesRead, 120000);
    t.is(last.bytesTotal, 120000);
    t.is(last.recordsIn, 20000);
    t.is(last.recordsOut, 3);
    t.deepEqual(last.tasks, { pending: 0, running: 0, done: 5, failed: 0, retrying: 0, reused: 0 });
    t.true(seen.some((p) => p.phase === 'map'));
  } finally {
    cleanup();
  }
});
