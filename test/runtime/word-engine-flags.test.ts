// A word-count job given an option that the word engine cannot honour (mapTasks, splitSize, streaming
// false, maxAttempts) runs on the general runtime, which honours it, with the same output: never the word
// engine ignoring the option. Task events are the general path's (the word engine runs no map tasks).
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startJob } from '../../lib/runtime/run-job.ts';
import type { Job, RunOptions, TaskEvent } from '../../lib/job/types.ts';
import { mrpipe } from '../cli/helpers.ts';
import { tempDir } from './helpers.ts';

const job: Job = { name: 'wc', map: 'words', combine: 'sum', reduce: 'sum', encoding: 'latin1' };
const TEXT = Array.from({ length: 2000 }, (_, i) => `w${i % 37} v${i % 5} x\n`).join('');

async function run(dir: string, opts: Partial<RunOptions>, tag: string) {
  const output = join(dir, tag);
  const r = startJob(job, { inputs: [join(dir, 'in.txt')], output, workers: 1, reducers: 1, tmpDir: dir, ...opts });
  const tasks: TaskEvent[] = [];
  r.on('task', (e) => tasks.push(e));
  const result = await r.result;
  return { result, tasks, out: readFileSync(join(output, 'part-00000')) };
}

test('runJob: mapTasks, splitSize, streaming false and maxAttempts take the general path, which honours them', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'in.txt'), TEXT);
    const plain = await run(dir, {}, 'plain');
    t.is(plain.tasks.length, 0, 'no option: the word engine (no map tasks)');
    const cases: Array<[Partial<RunOptions>, (r: Awaited<ReturnType<typeof run>>) => void]> = [
      [{ mapTasks: 4 }, (r) => t.is(r.result.counters.mrpipe.mapTasks, 4)],
      [{ splitSize: 4096, threshold: 1024, streaming: true }, (r) => t.true(r.result.counters.mrpipe.mapTasks > 1)],
      [{ streaming: false }, (r) => t.false(r.result.streaming)],
      [{ maxAttempts: 1 }, (r) => t.true(r.tasks.some((e) => e.kind === 'map'))],
    ];
    for (const [opts, check] of cases) {
      const r = await run(dir, opts, JSON.stringify(opts).replace(/\W/g, ''));
      check(r);
      if (opts.streaming !== false) t.true(r.tasks.some((e) => e.kind === 'map'), `${JSON.stringify(opts)}: map tasks ran`);
      t.true(r.out.equals(plain.out), `${JSON.stringify(opts)}: same output as the word engine`);
    }
  } finally {
    cleanup();
  }
});

test('mrpipe run wordcount --map-tasks 4: the counters say 4 map tasks', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, TEXT);
    const plain = await mrpipe(['run', 'wordcount', '--workers', '1', input]);
    t.is(plain.status, 0, plain.stderr);
    const r = await mrpipe(['run', 'wordcount', '--counters', '--map-tasks', '4', '--workers', '1', input]);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stderr, /mrpipe\.mapTasks\t4\b/);
    t.true(r.stdout.equals(plain.stdout));
  } finally {
    cleanup();
  }
});
