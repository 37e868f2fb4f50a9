// Runs task attempts on an executor, `concurrency` at a time, retrying a failed attempt (on a fresh
// worker) up to maxAttempts. The first task that fails for good stops the rest and fails the job. An error
// of the job's own code or data (a map that throws, a sum that overflows) would fail again: never retried.
import { isDeterministic } from '../job/checks.ts';
import type { TaskEvent } from '../job/types.ts';
import type { Executor } from './pool.ts';
import type { TaskEnv, TaskProgress, TaskResult, TaskSpec } from './task-types.ts';

export interface Schedulable {
  id: string;
  kind: 'map' | 'reduce';
  /** Names the task in errors: "task map-1 reads bytes 0-4096 of in.txt". */
  what: string;
  /** The spec for attempt n (attempts write to their own paths). */
  spec(attempt: number): TaskSpec;
  /** Called with a failed attempt's spec, to delete what it wrote. */
  cleanup(spec: TaskSpec): void;
  /** Called when an attempt succeeds (the commit point). */
  done(result: TaskResult, spec: TaskSpec): void;
}

export interface ScheduleOptions {
  executor: Executor;
  env: TaskEnv;
  maxAttempts: number;
  signal: AbortSignal;
  onTask(e: TaskEvent): void;
  onProgress(p: TaskProgress): void;
}

export async function schedule(tasks: Schedulable[], o: ScheduleOptions): Promise<void> {
  const queue = tasks.slice();
  let failure: unknown;
  const one = async (t: Schedulable): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      if (o.signal.aborted || failure) return;
      const spec = t.spec(attempt);
      o.onTask({ id: t.id, kind: t.kind, state: 'running', attempt });
      try {
        const result = await o.executor.run(spec, o.env, attempt, o.onProgress);
        t.done(result, spec);
        o.onTask({ id: t.id, kind: t.kind, state: 'done', attempt });
        return;
      } catch (err) {
        try { t.cleanup(spec); } catch { /* best effort: the job dir goes anyway */ }
        if (o.signal.aborted || failure) return;
        const message = err instanceof Error ? err.message : String(err);
        // A full disk stays full and the same task needs the same heap: fail at once, saying so.
        // A pool whose threads cannot start (fatal) fails the job as it is, naming no task.
        if ((err as { fatal?: unknown } | null)?.fatal === true) {
          o.onTask({ id: t.id, kind: t.kind, state: 'failed', attempt, error: message });
          failure ??= err;
          return;
        }
        if (attempt >= o.maxAttempts || isDeterministic(err) || /ENOSPC|EFBIG|EDQUOT|memory limit|OUT_OF_MEMORY/i.test(message)) {
          o.onTask({ id: t.id, kind: t.kind, state: 'failed', attempt, error: message });
          const tries = attempt > 1 ? ` (${attempt} attempts)` : '';
          failure ??= /memory limit|OUT_OF_MEMORY/i.test(message)
            ? new Error(`${message}: the task needed more heap than its share of the memory budget `
              + `(${Math.round(o.env.budget / (1 << 20))} MiB per worker); raise memory or lower workers [${t.what}]`, { cause: err })
            : message.includes(`[task ${t.id} `) ? (err instanceof Error ? err : new Error(message))
              // A worker that died says only that: add which task it was running.
              : new Error(`${message}${tries} [${t.what}]`, { cause: err });
          return;
        }
        o.onTask({ id: t.id, kind: t.kind, state: 'retrying', attempt, error: message });
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(o.executor.concurrency, tasks.length)) }, async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      await one(t);
      if (failure || o.signal.aborted) return;
    }
  });
  await Promise.all(lanes);
  if (failure) throw failure;
  if (o.signal.aborted) throw o.signal.reason ?? new Error('job aborted');
}
