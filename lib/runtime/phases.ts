// The two phases of the streaming path as task lists for the scheduler: map tasks (skipping those a
// killed run committed), then one reduce task per partition over every map task's runs of it (one per
// worker, each merging a range of its keys, when one partition goes to a stream).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Counters, TaskEvent } from '../job/types.ts';
import { BUILTIN_GROUP, mergeCounters } from './counters.ts';
import { partName } from './parts.ts';
import { scheduleOrder, type PlannedSplit } from './planner.ts';
import type { Executor } from './pool.ts';
import type { ProgressTracker } from './progress.ts';
import type { WorkDir } from './resume.ts';
import { rangesByIndex, type KeyRange } from './runs.ts';
import { schedule, type Schedulable } from './scheduler.ts';
import type { MapTaskResult, MapTaskSpec, ReduceTaskSpec, TaskEnv } from './task-types.ts';

export interface PhaseContext {
  executor: Executor;
  env: TaskEnv;
  maxAttempts: number;
  signal: AbortSignal;
  onTask: (e: TaskEvent) => void;
  tracker: ProgressTracker;
}

/** Runs (or reuses) every map task; results are in split order. */
export async function mapPhase(ctx: PhaseContext, w: WorkDir, splits: PlannedSplit[]): Promise<{ results: MapTaskResult[]; reused: number }> {
  const { onTask, tracker } = ctx;
  const results: (MapTaskResult | undefined)[] = splits.map((_, i) => w.committed(`map-${i}`));
  const tasks: Schedulable[] = [];
  let reused = 0;
  // Largest first (scheduleOrder): the plan's small tail tasks run last.
  for (const i of scheduleOrder(splits)) {
    const sp = splits[i];
    const id = `map-${i}`;
    const prior = results[i];
    if (prior) {
      reused++;
      onTask({ id, kind: 'map', state: 'reused', attempt: 0 });
      tracker.task({ id, bytesRead: prior.bytesRead, recordsIn: 0, recordsOut: 0, spills: 0 });
      continue;
    }
    onTask({ id, kind: 'map', state: 'pending', attempt: 0 });
    tasks.push({
      id, kind: 'map', what: `task ${id} reads bytes ${sp.start}-${sp.end === Infinity ? 'EOF' : sp.end} of ${sp.file.name}`,
      spec: (attempt): MapTaskSpec => ({
        kind: 'map', id, index: i, path: sp.file.path, name: sp.file.name, gz: sp.file.gz,
        start: sp.start, end: sp.end, dir: w.attemptDir(id, attempt), size: sp.file.size, mtimeMs: sp.file.mtimeMs,
      }),
      cleanup: (t) => rmSync((t as MapTaskSpec).dir, { recursive: true, force: true }),
      done: (r, t) => {
        const m = r as MapTaskResult;
        w.commitMap((t as MapTaskSpec).dir, m);
        results[i] = m;
        // Workers throttle their reports; the result carries the final figures.
        const c = m.counters[BUILTIN_GROUP] ?? {};
        tracker.task({ id, bytesRead: m.bytesRead, recordsIn: c.mapInputRecords ?? 0, recordsOut: c.mapOutputRecords ?? 0, spills: c.spills ?? 0 });
      },
    });
  }
  tracker.setPhase('map');
  await schedule(tasks, { ...ctx, onProgress: (p) => tracker.task(p) });
  return { results: results as MapTaskResult[], reused };
}

/**
 * One reduce task per partition, each merging its runs in map-task order (the merge is stable). `split`
 * (one partition read by one stream, keys grouped as they are): the partition's keys are cut into a range
 * per worker at keys from the map tasks' run indexes (rangesByIndex), and as many tasks merge the pieces at
 * once, each run read from a frame just before its piece, into the part file and `<part>.1`, `<part>.2`…;
 * the part is those files in that order. Returns the counters and the files of each part, in order.
 */
export async function reducePhase(
  ctx: PhaseContext, w: WorkDir, maps: MapTaskResult[], reducers: number, stage: string, split = false,
): Promise<{ counters: Counters; parts: string[][] }> {
  const { onTask, tracker, env } = ctx;
  const counters: Counters = {};
  tracker.setPhase('reduce');
  const tasks: Schedulable[] = [];
  const parts: string[][] = [];
  const task = (id: string, what: string, r: number, runs: string[], final: string, range?: KeyRange): Schedulable => {
    onTask({ id, kind: 'reduce', state: 'pending', attempt: 0 });
    return {
      id, kind: 'reduce', what,
      spec: (attempt): ReduceTaskSpec => ({
        kind: 'reduce', id, partition: r, runs, scratch: join(w.dir, 'scratch', `${id}-a${attempt}`),
        tmpPath: `${final}.tmp-a${attempt}`, final, range,
      }),
      cleanup: (t) => {
        rmSync((t as ReduceTaskSpec).tmpPath, { force: true });
        rmSync((t as ReduceTaskSpec).scratch, { recursive: true, force: true });
      },
      done: (res) => {
        mergeCounters(counters, res.counters);
        const c = res.counters[BUILTIN_GROUP] ?? {};
        tracker.task({ id, bytesRead: 0, recordsIn: c.reduceInputRecords ?? 0, recordsOut: c.outputRecords ?? 0, spills: c.mergePasses ?? 0 });
      },
    };
  };
  for (let r = 0; r < reducers; r++) {
    const id = `reduce-${r}`;
    const runs = maps.flatMap((res, i) => res.runs[r].map((name) => join(w.taskDir(`map-${i}`), name)));
    const final = join(stage, partName(r));
    const what = `task ${id} merges partition ${r} of ${maps.length} map tasks into ${partName(r)}`;
    // Split only where every piece merges in one pass: with passes ahead, each would run them all.
    const ranges = split && reducers === 1 && ctx.executor.concurrency > 1 && runs.length <= env.fanIn
      ? rangesByIndex(maps.flatMap((res) => res.runs[r].map((_, j) => res.index?.[r]?.[j])), ctx.executor.concurrency)
      : undefined;
    if (!ranges) {
      tasks.push(task(id, what, r, runs, final));
      parts.push([final]);
      continue;
    }
    const files = ranges.map((_, k) => (k === 0 ? final : `${final}.${k}`));
    ranges.forEach((range, k) => tasks.push(task(k === 0 ? id : `${id}-${k}`, `${what} (key range ${k + 1} of ${ranges.length})`, r, runs, files[k], range)));
    parts.push(files);
  }
  await schedule(tasks, { ...ctx, onProgress: (p) => tracker.task(p) });
  return { counters, parts };
}
