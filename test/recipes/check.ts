// Shared by the recipe tests: `mrpipe run` on files, and the Hadoop Streaming equivalence check.
import type { ExecutionContext } from 'ava';
import { mrpipe } from '../cli/helpers.ts';
import { scale } from '../long.ts';
import { hadoopStreaming, type StreamingRun } from './streaming.ts';

/** `mrpipe run ARGS` (stdout as latin1); throws with stderr on a non-zero status. */
export async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await mrpipe(['run', ...args], '', env);
  if (r.status !== 0) throw new Error(`mrpipe run ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString('latin1');
}

/**
 * `mrpipe run` (streaming, 3 map tasks on 2 workers), the in-memory path and the simulated Hadoop
 * Streaming job (`splits` mappers per file) give the same bytes; returns them. `onStreaming` sees the
 * Hadoop run (its counters).
 */
export async function checkHadoop(t: ExecutionContext, job: string, files: string[], splits: number, env: NodeJS.ProcessEnv = {}, onStreaming?: (h: StreamingRun) => void): Promise<string> {
  const local = await run([job, ...files, '--map-tasks', '3', '--workers', '2', '--streaming', 'on'], env);
  // By default just enough splits for two mappers (each with its combiner: the merge of several mappers'
  // output is what is proven): one per file over two files, two over one. Every split under test:long.
  // Each split costs two CLI processes (map, combine), the bulk of this check's time.
  const h = hadoopStreaming(job, files, scale(Math.min(splits, files.length > 1 ? 1 : 2), splits), env);
  t.true(h.mappers > 1, 'more than one mapper');
  t.is(h.output.toString('latin1'), local, `${job}: map | sort | reduce differs from run`);
  t.regex(h.counters, /^reporter:counter:mrpipe,mapInputRecords,\d+$/m);
  onStreaming?.(h);
  t.is(await run([job, ...files, '--streaming', 'off'], env), local, `${job}: the in-memory path differs`);
  return local;
}
