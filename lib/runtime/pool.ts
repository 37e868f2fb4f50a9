// Executors run one task attempt: in a piscina pool of worker threads (each worker loads the job module),
// or in-process for job objects given in code. Both call the same runMapTask/runReduceTask. A retry runs
// on a fresh worker: a one-thread pool made for that attempt, so a worker left in a bad state is never reused.
import v8 from 'node:v8';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { ResolvedJob } from '../job/load.ts';
import { mergeFanIn, taskBudget } from './budget.ts';
import { explainLineLimit } from './line-limit.ts';
import { runMapTask } from './map-task.ts';
import { runReduceTask } from './reduce-task.ts';
import { markDeterministic } from '../job/checks.ts';
import { isTaskFailure, type TaskEnv, type TaskFailure, type TaskProgress, type TaskResult, type TaskSpec } from './task-types.ts';
import type { WorkerTask } from './worker.ts';
import { bundledEntry } from '../../plumbing/worker-entry.ts';

/**
 * piscina (and with it worker_threads, perf_hooks and assert) is loaded when the first pool is made: the CLI's
 * bundle hoists every static import to its top, so an import here would cost every `mrpipe run`, pool or
 * not, ~10 ms of start-up. piscina ships CommonJS, so require() loads it synchronously.
 */
let piscinaClass: typeof Piscina | undefined;
function loadPiscina(): typeof Piscina {
  piscinaClass ??= (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina;
  return piscinaClass;
}

export interface Executor {
  readonly concurrency: number;
  run(spec: TaskSpec, env: TaskEnv, attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult>;
  destroy(): Promise<void>;
}

const SOURCE = import.meta.url.endsWith('.ts');
/** worker.ts in the source tree, worker.js in dist: whichever this module was loaded as. */
export const WORKER_URL = bundledEntry(new URL(`./worker${SOURCE ? '.ts' : '.js'}`, import.meta.url));
/** What piscina is given to load: a CommonJS door that import()s WORKER_URL (why: plumbing/esm-door.cts). */
const DOOR_URL = new URL(`../../plumbing/esm-door${SOURCE ? '.cts' : '.cjs'}`, import.meta.url);

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

/** Why a pool failed (a thread could not start, mostly), said as what to do. Marked fatal: not retried. */
export function poolFailure(err: unknown, workers: number): Error {
  const message = err instanceof Error ? err.message : String(err);
  const failure = /EMFILE|ENFILE/.test(message)
    ? new Error(`too many open files (EMFILE) starting a worker thread: the open-file limit is too low for workers: ${workers}; `
      + 'raise ulimit -n or lower workers', { cause: err })
    : /ERR_WORKER_INIT_FAILED|initialization/.test(`${(err as { code?: unknown })?.code} ${message}`)
      ? new Error(`a worker thread failed to start (${message}); try lower workers`, { cause: err })
      // Piscina also emits 'error' for a worker that fails while it runs no task (a job's stray timer).
      : new Error(`a worker thread failed outside any task: ${message}`, { cause: err });
  return Object.assign(failure, { fatal: true });
}

export { fdLimitFailure } from './fd-limit.ts';

export class WorkerExecutor implements Executor {
  readonly concurrency: number;
  private readonly pool: Piscina<WorkerTask, TaskResult | TaskFailure>;
  private readonly abort = new AbortController();
  private readonly extra = new Set<Piscina>();
  /** Set when a pool emitted 'error' (a thread failed to start): every task then fails with it. */
  private failure: Error | undefined;

  private readonly limits: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };

  /** budget: the bytes one task may hold; the worker's V8 heap is capped inside it (see budget.ts, where
   * `offHeapKeys` is too). */
  constructor(workers: number, budget: number, offHeapKeys = false) {
    this.concurrency = workers;
    const b = taskBudget(budget, mergeFanIn(budget), offHeapKeys);
    this.limits = { maxOldGenerationSizeMb: b.heapMb, maxYoungGenerationSizeMb: b.youngMb };
    raiseMinSemiSpace(b.youngMb / 2);
    this.pool = this.makePool(workers);
  }

  private makePool(threads: number): Piscina<WorkerTask, TaskResult | TaskFailure> {
    const PiscinaPool = loadPiscina();
    const pool = new PiscinaPool<WorkerTask, TaskResult | TaskFailure>({
      filename: DOOR_URL.href,
      workerData: { esmEntry: WORKER_URL.href },
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: this.limits,
    });
    // Piscina emits 'error' when a thread fails to start (ERR_WORKER_INIT_FAILED: EMFILE under a low
    // `ulimit -n`); unhandled, it would kill the process before the job's cleanup. Fail every task instead.
    pool.on('error', (err: unknown) => {
      this.failure ??= poolFailure(err, this.concurrency);
      this.abort.abort(this.failure);
    });
    return pool;
  }

  async run(spec: TaskSpec, env: TaskEnv, attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
    const pool = attempt > 1 ? this.makePool(1) : this.pool;
    if (pool !== this.pool) this.extra.add(pool);
    const { port1, port2 } = new (process.getBuiltinModule('node:worker_threads').MessageChannel)();
    port1.on('message', onProgress);
    port1.unref();
    try {
      if (this.failure) throw this.failure;
      const r = await pool.run({ spec, env, port: port2 }, { transferList: [port2], signal: this.abort.signal });
      if (isTaskFailure(r)) throw markDeterministic(new Error(r.deterministicFailure));
      return r;
    } catch (err) {
      throw this.failure ?? err;
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
  async run(spec: TaskSpec, env: TaskEnv, _attempt: number, onProgress: (p: TaskProgress) => void): Promise<TaskResult> {
    try {
      return spec.kind === 'map' ? await runMapTask(this.job, spec, env, onProgress) : await runReduceTask(this.job, spec, env, onProgress);
    } catch (err) {
      throw await explainLineLimit(err, env, spec);
    }
  }
  async destroy(): Promise<void> { /* nothing held */ }
}
