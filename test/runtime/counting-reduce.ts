// A built-in 'sum' or 'count' reduce runs on the run bytes (reduce-task.ts, reduceCounts): the same output
// as the in-memory path and as a reduce function, for fractions, negatives, big numbers, numeric strings,
// non-ASCII keys in utf8 and latin1 jobs, many spills and merge passes; an overflow is an error naming the key.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../../lib/runtime/run-job.ts';
import type { Job, RunOptions } from '../../lib/job/types.ts';
import { mapPlan, readParts, tempDir } from './helpers.ts';

// Exact in doubles (dyadic fractions, below 2^53): any order of summing gives the same total.
const VALUES = [1, 1.5, -2, 1e9, '3', 0.25, 7];

/** Emits each word with a value picked by its line: the partial sums in the runs are not all digits. */
const job = (reduce: Job['reduce'], encoding: 'utf8' | 'latin1'): Job => ({
  encoding,
  map: (line: string, emit) => {
    let i = line.length;
    for (const w of line.split(' ')) if (w) emit(w, VALUES[i++ % VALUES.length]);
  },
  reduce,
});

const sumFn = (_k: string, values: Iterable<unknown>): number => {
  let s = 0;
  for (const v of values) s += Number(v);
  return s;
};

test('sum and count on bytes equal the in-memory path and a reduce function (streaming, spills, 3 reducers)', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    const words = ['a', 'bb', 'é', 'ü', 'x\u00ff', '日本', 'long-word-long-word', 'z'];
    // Long numbered keys: many times the key bytes a counting table's share of 4MB holds, so every map task spills.
    const lines = Array.from({ length: 60_000 }, (_, i) => `${words[i % 8]} ${words[(i * 3) % 8]}${i % 30_011}-${'k'.repeat(48)} ${words[(i * 5) % 8]}`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    for (const encoding of ['utf8', 'latin1'] as const) {
      for (const reduce of ['sum', 'count'] as const) {
        const opts = (out: string, streaming: boolean): RunOptions => ({
          inputs: [input], output: join(dir, `${out}-${encoding}-${reduce}`), streaming, workers: 1, reducers: 3, memory: streaming ? '4MB' : '64MB', ...mapPlan(streaming, { mapTasks: 3 }), chunkSize: 4096,
        });
        const bytes = await runJob(job(reduce, encoding), opts('stream', true));
        t.true(bytes.counters.mrpipe.spills > 3, `many spills (${bytes.counters.mrpipe.spills})`);
        await runJob(job(reduce, encoding), opts('memory', false));
        t.deepEqual(readParts(join(dir, `stream-${encoding}-${reduce}`)), readParts(join(dir, `memory-${encoding}-${reduce}`)), `${encoding} ${reduce}`);
      }
      await runJob(job(sumFn, encoding), {
        inputs: [input], output: join(dir, `fn-${encoding}`), streaming: true, workers: 1, reducers: 3, memory: '4MB', mapTasks: 3,
      });
      t.deepEqual(readParts(join(dir, `stream-${encoding}-sum`)), readParts(join(dir, `fn-${encoding}`)), `${encoding}: sum equals a reduce function`);
    }
  } finally {
    cleanup();
  }
});

test('an overflowing sum across map tasks fails naming the key', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, `${'big\n'.repeat(5000)}`);
    const overflow: Job = { map: (_l: string, emit) => emit('big', 1e305), reduce: 'sum' };
    const err = await t.throwsAsync(runJob(overflow, { inputs: [input], output: join(dir, 'o'), streaming: true, workers: 1, mapTasks: 2, memory: '4MB' }));
    t.regex(err.message, /sum for key "big" is Infinity/);
  } finally {
    cleanup();
  }
});
