// submitJob: runJob's counterpart on a Dask distributed cluster. mrpipe plans the splits, takes OUT's
// lock and stages OUT beside it; the Python driver (integrations/dask/driver.py) submits one mrpipe
// process per split (`mrpipe map --partitions R`) and per partition (`mrpipe reduce --runs`), Dask moves
// the runs between workers; mrpipe then sums the counters and commits OUT (_COUNTERS.json, _SUCCESS last,
// one rename). Inputs and OUT must be on a file system mounted at the same path on every node.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobRefOf, loadRef, resolveJob } from '../job/load.ts';
import type { BadRecordsPolicy, Counters, InlineJob, Job, JobSpec } from '../job/types.ts';
import { dirsOf, OutputDir } from '../runtime/commit.ts';
import { dieOfSignal, onStopSignals } from '../../plumbing/signals.ts';
import { addCounter, BUILTIN_GROUP, mergeCounters, sortedCounters } from '../runtime/counters.ts';
import { partName } from '../runtime/in-memory.ts';
import { expandInputs } from '../runtime/inputs.ts';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_MEMORY, DEFAULT_SPLIT_SIZE, MIN_MEMORY_PER_WORKER } from '../runtime/options.ts';
import { parseSize } from '../../plumbing/sizes.ts';
import { planSplits } from '../runtime/planner.ts';
import { packageRoot, runDriver, type DriverPlan } from './driver.ts';

/** Options of submitJob: where the cluster is, where the data is, and the runJob options that make sense there. */
export interface SubmitOptions {
  /** 'dask' (the one engine so far). */
  engine?: 'dask';
  /** The scheduler's address, tcp://HOST:PORT; or give schedulerFile. */
  scheduler?: string;
  /** A scheduler file written by `dask scheduler --scheduler-file`. */
  schedulerFile?: string;
  /** Input paths and globs, on a file system every worker sees at the same path (no stdin). */
  inputs: string[];
  /** Output directory, on that shared file system. */
  output: string;
  /** Reduce tasks = part files (default 1, as Hadoop). */
  reducers?: number;
  /** Bytes per split (default 128 MB). */
  splitSize?: number | string;
  /** Memory budget of each task, e.g. '256MB' (default 256MB). */
  memory?: number | string;
  overwrite?: boolean;
  badRecords?: BadRecordsPolicy;
  maxLineBytes?: number | string;
  /** Tries per task before the job fails (default 3), Dask's retries. */
  maxAttempts?: number;
  /** Job parameters, passed to every task as -D NAME=VALUE. */
  params?: Record<string, string>;
  /** The Python with `distributed` (default: python3, then /usr/bin/python3). */
  python?: string;
  /** How workers run mrpipe (default: this Node and this mrpipe's bin/mrpipe.js, same paths on every node). */
  taskCommand?: string[];
  /** Seconds to wait for the scheduler (default 30). */
  connectTimeout?: number;
  signal?: AbortSignal;
  /** Stop on SIGINT/SIGTERM: cancel the tasks, remove the staging dir; the result rejects (default false). */
  handleSignals?: boolean;
  /** With handleSignals: once cleaned up, end the process by that signal (default false; the CLI sets it). */
  exitOnSignal?: boolean;
  /** Called as tasks finish ('map-3', 'reduce-0'). */
  onTask?: (task: string) => void;
}

/** What a committed submitJob produced: OUT, its part files and the counters summed from every task. */
export interface SubmitResult {
  output: string;
  parts: string[];
  counters: Counters;
  mapTasks: number;
  reducers: number;
  elapsedMs: number;
}

/** The job as task-command arguments: a recipe name, an absolute job file path, or inline flags. */
export function jobArgs(spec: JobSpec): string[] {
  const ref = jobRefOf(spec);
  if (ref.kind === 'object') throw new TypeError('submitJob needs a job module (a path or recipe name) or an inline job: workers load the job themselves');
  if (ref.kind === 'inline') {
    const src: InlineJob = ref.source;
    const args = ['--map', src.map];
    if (src.combine !== undefined) args.push('--combine', src.combine);
    if (src.reduce !== undefined) args.push('--reduce', src.reduce);
    if (src.group !== undefined) args.push('--group', src.group);
    if (src.input !== undefined) args.push('--input-format', src.input);
    if (src.output !== undefined) args.push('--output-format', src.output);
    return args;
  }
  // A recipe by name (the workers' mrpipe has it too); a job file by its absolute path.
  if (typeof spec === 'string' && !spec.startsWith('file:') && !existsSync(resolve(spec))) return [spec];
  return [fileURLToPath(ref.url)];
}

function positive(v: number | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${what} must be a whole number >= 1, got ${v}`);
  return v;
}

/**
 * Runs a job on a Dask distributed cluster (docs/DISTRIBUTED.md): one mrpipe process per split and per
 * partition; resolves when OUT is committed, rejects with the failing task's own message.
 * @example
 * await submitJob('wordcount', { engine: 'dask', scheduler: 'tcp://10.0.0.5:8786', inputs: ['/shared/in/*.txt'], output: '/shared/out', reducers: 4 });
 */
export async function submitJob(spec: JobSpec, options: SubmitOptions): Promise<SubmitResult> {
  const started = Date.now();
  if ((options.engine ?? 'dask') !== 'dask') throw new RangeError(`engine must be dask, got ${String(options.engine)}`);
  if (!options.scheduler && !options.schedulerFile) throw new RangeError('give the Dask scheduler: scheduler (tcp://HOST:PORT) or schedulerFile');
  if (options.inputs.includes('-')) throw new RangeError('submit reads files every worker can open; stdin cannot be shared: copy it to the shared file system first');
  if (typeof options.output !== 'string' || options.output === '-') throw new RangeError('submit writes an output directory (output: a path on the shared file system)');
  const reducers = positive(options.reducers, 'reducers', 1);
  const maxAttempts = positive(options.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS);
  const memory = options.memory === undefined ? DEFAULT_MEMORY : parseSize(options.memory, 'memory');
  if (memory < MIN_MEMORY_PER_WORKER) throw new RangeError(`memory per task must be at least ${MIN_MEMORY_PER_WORKER >> 20}MB`);
  const splitSize = Math.max(1, options.splitSize === undefined ? DEFAULT_SPLIT_SIZE : parseSize(options.splitSize, 'splitSize'));
  const bad = options.badRecords ?? 'fail';
  if (bad !== 'fail' && !(Number.isSafeInteger(bad) && bad >= 0)) throw new RangeError(`badRecords must be 'fail' or a count >= 0, got ${String(bad)}`);

  // The job is loaded here too: its errors surface before any task starts.
  const ref = jobRefOf(spec);
  const job = resolveJob(ref.kind === 'object' ? (spec as Job) : await loadRef(ref));
  const args = jobArgs(spec);
  for (const [k, v] of Object.entries(options.params ?? {})) args.push('-D', `${k}=${v}`);
  const files = await expandInputs(options.inputs, () => Promise.reject(new Error('no stdin')));
  const splits = planSplits(files, {
    splitSize, threshold: 0, workers: 1, splittable: job.split && job.input !== 'json',
  });
  const taskFlags = ['--memory', String(memory)];
  if (bad !== 'fail' && bad > 0) taskFlags.push('--bad-records', String(bad));
  if (options.maxLineBytes !== undefined) taskFlags.push('--max-line-bytes', String(parseSize(options.maxLineBytes, 'maxLineBytes')));

  const out = new OutputDir(options.output);
  out.checkTarget(options.overwrite ?? false);
  // What a killed earlier job on this OUT left (its temp and staging dirs) goes now.
  for (const d of dirsOf(out.lock())) {
    if (basename(d).startsWith('mrpipe-') || basename(d).startsWith(`.${out.base}.mrpipe-out-`)) rmSync(d, { recursive: true, force: true });
  }
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  if (options.signal?.aborted) forward();
  let caught: NodeJS.Signals | undefined;
  const stopListening = options.handleSignals
    ? onStopSignals((sig) => { caught = sig; controller.abort(new Error(`interrupted by ${sig}`)); })
    : undefined;
  let stage: string | undefined;
  let committed = false;
  try {
    stage = out.makeStage();
    out.record({ pid: process.pid, stageDir: stage });
    const parts = Array.from({ length: reducers }, (_, r) => partName(r));
    const plan: DriverPlan = {
      scheduler: options.scheduler, schedulerFile: options.schedulerFile ? resolve(options.schedulerFile) : undefined,
      connectTimeout: options.connectTimeout ?? 30, maxAttempts, reducers,
      command: options.taskCommand ?? [process.execPath, resolve(packageRoot(), 'bin', 'mrpipe.js')],
      job: args, taskFlags, env: {},
      parts: parts.map((p) => resolve(stage as string, p)),
      splits: splits.map((s) => ({ path: resolve(s.file.path), start: s.start, end: s.end === Infinity ? 'EOF' : s.end })),
    };
    const result = await runDriver(plan, { python: options.python, signal: controller.signal, onTask: options.onTask });
    const counters: Counters = {};
    for (const c of result.counters) mergeCounters(counters, c);
    const badSeen = counters[BUILTIN_GROUP]?.badRecords ?? 0;
    if (bad !== 'fail' && badSeen > bad) {
      throw new Error(`${badSeen} bad records in all, more than the ${bad} allowed (badRecords); see the mrpipe.badRecords counter`);
    }
    addCounter(counters, BUILTIN_GROUP, 'mapTasks', splits.length);
    addCounter(counters, BUILTIN_GROUP, 'reduceTasks', reducers);
    // Temp part files of attempts killed with their worker: never part of OUT.
    for (const name of readdirSync(stage)) if (!parts.includes(name)) rmSync(resolve(stage, name), { force: true });
    const final = sortedCounters(counters);
    out.commit(stage, final, options.overwrite ?? false);
    committed = true;
    return { output: out.out, parts, counters: final, mapTasks: splits.length, reducers, elapsedMs: Date.now() - started };
  } finally {
    options.signal?.removeEventListener('abort', forward);
    if (stage && !committed) rmSync(stage, { recursive: true, force: true });
    out.unlock();
    if (stopListening) {
      stopListening();
      if (caught && options.exitOnSignal) dieOfSignal(caught);
    }
  }
}
