// Executors run one task attempt: in a piscina pool of worker threads (each worker loads the job module),
// or in-process for job objects given in code. Both call the same runMapTask/runReduceTask. A retry runs
// on a fresh worker: a one-thread pool made for that attempt, so a worker left in a bad state is never reused.
import v8 from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ResolvedJob } from '../job/load.ts';
import { taskBudget } from './budget.ts';
import { runMapTask } from './map-task.ts';
import { FAN_IN } from './options.ts';
import { runReduceTask } from './reduce-task.ts';
import type { TaskEnv, TaskProgress, TaskResult, TaskSpec } from './task-types.ts';
import type { WorkerTask } from './worker.ts';

export interface Executor {
  readonly concurrency: number;
  run(spec: TaskSpec, env: TaskEnv, attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult>;
  destroy(): Promise<void>;
}

/** worker.ts in the source tree, worker.js in dist: whichever this module was loaded as. */
export const WORKER_URL = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

let minSemiSpaceMb = 0;

/** V8 starts a heap's semi-space at 1 MiB and grows it only when many objects survive; a map that makes a
 * string per word and keeps few of them never grows it, and then scavenges every ~1 MiB of allocation.
 * Starting worker heaps at the size budget.ts allows (half the young generation) cuts scavenges ~7×.
 * The flag is process-wide and read when an isolate is made, so it only ever goes up. */
function raiseMinSemiSpace(mb: number): void {
  const want = Math.floor(mb);
  if (want <= minSemiSpaceMb) return;
  try {
    v8.setFlagsFromString(`--min-semi-space-size=${want}`);
    minSemiSpaceMb = want;
  } catch { /* keep V8's default */ }
}

export class WorkerExecutor implements Executor {
  readonly concurrency: number;
  private readonly pool: Piscina<WorkerTask, TaskResult>;
  private readonly abort = new AbortController();
  private readonly extra = new Set<Piscina>();

  private readonly limits: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };

  /** budget: the bytes one task may hold; the worker's V8 heap is capped inside it (see budget.ts). */
  constructor(workers: number, budget: number) {
    this.concurrency = workers;
    const b = taskBudget(budget, FAN_IN);
    this.limits = { maxOldGenerationSizeMb: b.heapMb, maxYoungGenerationSizeMb: b.youngMb };
    raiseMinSemiSpace(b.youngMb / 2);
    this.pool = this.makePool(workers);
  }

  private makePool(threads: number): Piscina<WorkerTask, TaskResult> {
    return new Piscina<WorkerTask, TaskResult>({
      filename: WORKER_URL.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: this.limits,
    });
  }

  async run(spec: TaskSpec, env: TaskEnv, attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
    const pool = attempt > 1 ? this.makePool(1) : this.pool;
    if (pool !== this.pool) this.extra.add(pool);
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onProgress);
    port1.unref();
    try {
      return await pool.run({ spec, env, port: port2 }, { transferList: [port2], signal: this.abort.signal });
    } finally {
      port1.close();
      if (pool !== this.pool) {
        this.extra.delete(pool);
        await pool.destroy();
      }
    }
  }

  async destroy(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([this.pool.destroy(), ...[...this.extra].map((p) => p.destroy())]);
  }
}

export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  private readonly job: ResolvedJob;
  constructor(job: ResolvedJob) {
    this.job = job;
  }
  run(spec: TaskSpec, env: TaskEnv, _attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
    return spec.kind === 'map' ? runMapTask(this.job, spec, env, onProgress) : runReduceTask(this.job, spec, env, onProgress);
  }
  async destroy(): Promise<void> { /* nothing held */ }
}
