// runJob: plan, map, shuffle, reduce, commit. See docs/RUNTIME.md for the protocol and the decisions.
import { EventEmitter } from 'node:events';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isFdLimit } from '../../operators/shuffle/runs/fdlimit.ts';
import { collectGarbage } from '../../operators/shuffle/gc.ts';
import { jobRefOf, loadRef, resolveJob, type ResolvedJob } from '../job/load.ts';
import type { Counters, Job, JobProgress, JobResult, JobSpec, RunOptions, TaskEvent } from '../job/types.ts';
import { dirsOf, OutputDir, type LockInfo } from './commit.ts';
import { addCounter, BUILTIN_GROUP, mergeCounters, sortedCounters } from './counters.ts';
import { partName } from './parts.ts';
import { expandInputs, type InputFile } from './inputs.ts';
import { settingsOf, type Settings } from './options.ts';
import { inMemoryFits, planSplits, type PlannedSplit } from './planner.ts';
import { inMemoryHold, mergeFanIn, recordCap } from './budget.ts';
import { explainLineLimit } from './line-limit.ts';
import { fdLimitFailure } from './fd-limit.ts';
import type { Executor } from './pool.ts';
import { ProgressTracker } from './progress.ts';
import { fingerprint, WorkDir } from './resume.ts';
import type { PhaseContext } from './phases.ts';
import { runsOnWordEngine, runWordJob, wordEngineHonours } from './word-job.ts';
import type { TaskEnv, TaskProgress } from './task-types.ts';
import { dieOfSignal, onStopSignals } from '../../plumbing/signals.ts';
import { copyFilesSync } from '../../plumbing/fd-write.ts';

/** A running job: 'progress' (JobProgress), 'task' (TaskEvent) and 'counters' (Counters) events; result. */
export class JobRun extends EventEmitter<{ progress: [JobProgress]; task: [TaskEvent]; counters: [Counters] }> {
  readonly result: Promise<JobResult>;
  private readonly controller = new AbortController();
  constructor(spec: JobSpec, options: RunOptions) {
    super();
    this.result = execute(this, spec, options, this.controller);
    this.result.catch(() => { /* the caller handles it through result */ });
  }
  /** Stops the job: tasks are cancelled, temp files removed, result rejects. */
  abort(reason?: unknown): void {
    this.controller.abort(reason ?? new Error('job aborted'));
  }
}

/**
 * Starts a job and returns at once: a JobRun emitting 'progress', 'task' and 'counters', with `result` (a
 * promise of the JobResult) and `abort()`. Same spec and options as {@link runJob}.
 *
 * @example
 * const run = startJob('./wordcount.ts', { inputs: ['data/*.txt'], output: 'out/' });
 * run.on('progress', (p) => console.error(p.phase, p.bytesRead));
 * await run.result;
 */
export function startJob(spec: JobSpec, options: RunOptions): JobRun {
  return new JobRun(spec, options);
}

/**
 * Runs a job to completion over files bigger than RAM, in worker threads, under one memory budget: resolves
 * with the output's parts and counters, rejects with the failing task's error (the message names the file,
 * line and byte offset).
 *
 * @param spec a job object, a path to a job module (resolved from the current directory), a recipe name
 *   ('wordcount'), or an inline job.
 * @param options `inputs` (paths, globs, '-' = stdin; `.gz` decompressed), `output` (a directory committed
 *   with `_SUCCESS` last, or '-' / a Writable for the output in key order), `memory` ('256MB'), `workers`
 *   (cores), `reducers` (cores), `tmpDir` (os.tmpdir()), `overwrite` (false), `resume` (false),
 *   `badRecords` ('fail'), `maxLineBytes` (1 MiB), `streaming` ('auto'), `signal`, `handleSignals` (true),
 *   `onProgress`; docs/RUNTIME.md has them all.
 * @example
 * const result = await runJob('./wordcount.ts', { inputs: ['data/*.txt'], output: 'out/', memory: '256MB' });
 * console.log(result.parts, result.counters);
 */
export function runJob(spec: JobSpec, options: RunOptions): Promise<JobResult> {
  return new JobRun(spec, options).result;
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Six random letters and digits: the suffix mkdtemp gives, so our dirs look like every mkdtemp dir. From
 * Math.random, not node:crypto (~10 ms of every run's start-up): the name needs no secrecy, because mkdir
 * fails on any path that exists, a symlink included, and fresh() then draws another.
 */
function tempSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[Math.floor(Math.random() * SUFFIX_CHARS.length)];
  return suffix;
}

function looksOurs(path: string | undefined, prefix: string): path is string {
  return typeof path === 'string' && basename(path).startsWith(prefix) && existsSync(path);
}

function jobIdentity(spec: JobSpec, job: ResolvedJob): string {
  const ref = jobRefOf(spec);
  if (ref.kind !== 'object') return JSON.stringify(ref);
  const j = spec as Job;
  return JSON.stringify([job.name, String(j.map), String(j.combine), String(j.reduce), String(j.group), job.input, job.output]);
}

/**
 * --resume on an OUT that exists: if a killed run of this same plan (its lock says so) had already
 * committed OUT, the job is done; its result is rebuilt from OUT. Otherwise undefined (OUT is refused).
 */
function finishedEarlier(outDir: OutputDir, stale: LockInfo | undefined, fp: string, mapTasks: number, started: number): JobResult | undefined {
  if (!stale || stale.fingerprint !== fp || !existsSync(join(outDir.out, '_SUCCESS'))) return undefined;
  const parts = readdirSync(outDir.out).filter((n) => n.startsWith('part-')).sort();
  const counters = JSON.parse(readFileSync(join(outDir.out, '_COUNTERS.json'), 'utf8')) as Counters;
  return {
    output: outDir.out, parts, counters, mapTasks, reducers: parts.length, streaming: true, reused: mapTasks,
    elapsedMs: Date.now() - started,
  };
}

async function execute(run: JobRun, spec: JobSpec, options: RunOptions, controller: AbortController): Promise<JobResult> {
  const started = Date.now();
  const toStream = options.output === '-' || typeof options.output !== 'string';
  const s: Settings = settingsOf(options, toStream);
  const signal = controller.signal;
  if (options.signal) {
    if (options.signal.aborted) controller.abort(options.signal.reason);
    else options.signal.addEventListener('abort', () => controller.abort(options.signal?.reason), { once: true });
  }
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    caught = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  const stopListening = s.handleSignals ? onStopSignals(onSignal) : undefined;

  const tracker = new ProgressTracker((p) => { run.emit('progress', p); options.onProgress?.(p); });
  const outDir = toStream ? undefined : new OutputDir(options.output as string);
  let executor: Executor | undefined;
  let workDir: string | undefined;
  let stage: string | undefined;
  let locked = false;
  /** Dirs of dead earlier holders, named in our lock until this job has reused or deleted them. */
  let orphans: string[] = [];
  let committed = false;
  /** The dir stdin is copied into (it becomes the work dir unless a killed run's is resumed). */
  let spool: string | undefined;
  /** Removes this job's dirs; resolves to the first error that outlived the retries (see removeDirs). */
  const cleanupDirs = () => removeDirs([stage && !committed ? stage : undefined, workDir, spool !== workDir ? spool : undefined]);
  let failed = false;
  const abortListener = () => { void executor?.destroy(); };
  signal.addEventListener('abort', abortListener, { once: true });
  // A process.exit() while the job runs (user code on this thread: a job object's map, the in-memory
  // path's) would skip the finally below: remove the dirs and the lock on the way out instead.
  const exitListener = () => {
    for (const d of [stage && !committed ? stage : undefined, workDir, spool]) if (d) rmSync(d, { recursive: true, force: true });
    if (locked && orphans.length > 0) outDir?.release(orphans);
    else if (locked) outDir?.unlock();
  };
  process.once('exit', exitListener);
  try {
    // The job is loaded here too: errors in it surface before any input is read.
    const ref = jobRefOf(spec);
    const raw = ref.kind === 'object' ? (spec as Job) : await loadRef(ref);
    const job = resolveJob(raw);
    let stale: LockInfo | undefined;
    if (outDir) {
      // With resume, an existing OUT may be this very job, killed after its commit: checked below.
      outDir.checkTarget(s.overwrite || (s.resume ? 'force' : false));
      stale = outDir.lock();
      orphans = dirsOf(stale);
      locked = true;
    }
    // Every dir is named in the lock before it exists (name chosen, lock written, then mkdir), so a kill at
    // any moment, even between the two steps, leaves nothing the next run cannot find.
    const fresh = (): string => {
      for (;;) {
        const dir = join(s.tmpDir, `mrpipe-${tempSuffix()}`);
        outDir?.record({ pid: process.pid, workDir: dir, orphans });
        try {
          mkdirSync(dir, { mode: 0o700 });
          return dir;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
    };
    const files: InputFile[] = await expandInputs(options.inputs, async () => {
      spool ??= fresh();
      return spool;
    }, () => process.stdin, signal);
    // --overwrite must not delete an input (or a dir holding one): checked once the globs are expanded.
    if (outDir && s.overwrite) outDir.checkTarget(s.overwrite, files.map((f) => f.path));
    const splittable = job.split && job.input !== 'json';
    const total = files.reduce((a, f) => a + f.size, 0);
    // Under auto, a plan of map tasks or retries per task (only the streaming path runs tasks) chooses it.
    let streaming = s.streaming === 'auto'
      ? options.mapTasks !== undefined || options.maxAttempts !== undefined
        || !inMemoryFits(files, { threshold: s.threshold, memory: s.memory, json: job.input === 'json' })
      : s.streaming;
    const fanIn = mergeFanIn(Math.floor(s.memory / s.workers));
    const splits: PlannedSplit[] = planSplits(files, {
      mapTasks: s.mapTasks, splitSize: s.splitSize, threshold: s.threshold, workers: s.workers, splittable, fanIn,
    });
    // The plan's fingerprint serves --resume and the finished-earlier check, both of which find the work dir
    // through OUT's lock: output to a stream has neither, and skips the hash (node:crypto's start-up).
    const fp = outDir ? fingerprint({ job: jobIdentity(spec, job), reducers: s.reducers, splits }) : '';
    if (outDir && !s.overwrite && existsSync(outDir.out)) {
      const done = finishedEarlier(outDir, stale, fp, splits.length, started);
      if (!done) outDir.checkTarget(false);
      for (const d of orphans) if (looksOurs(d, 'mrpipe-')) rmSync(d, { recursive: true, force: true });
      orphans = [];
      if (spool) rmSync(spool, { recursive: true, force: true });
      tracker.setPhase('done');
      return done as JobResult;
    }
    // Reuse a killed run's work dir only on --resume and only for the same plan; otherwise drop it.
    let wd: WorkDir | undefined;
    if (s.resume && stale && looksOurs(stale.workDir, 'mrpipe-') && streaming) {
      const old = new WorkDir(stale.workDir);
      if (old.matches(fp)) { wd = old; workDir = stale.workDir; old.clearDebris(); }
    }
    // Every other dir a dead holder left is deleted now; the lock stops naming them after this.
    for (const d of orphans) {
      if (d === workDir) continue;
      if (looksOurs(d, 'mrpipe-') || looksOurs(d, `.${outDir?.base}.mrpipe-out-`)) rmSync(d, { recursive: true, force: true });
    }
    orphans = [];
    if (!wd) {
      workDir = spool ?? fresh();
      wd = new WorkDir(workDir);
      if (outDir) wd.writePlan(fp);
    } else if (spool) rmSync(spool, { recursive: true, force: true });
    // Output to a stream: parts are written inside the private work dir, then copied out.
    stage = outDir ? outDir.makeStage() : mkdtempSync(join(workDir as string, 'out-'));
    outDir?.record({ pid: process.pid, workDir, stageDir: stage, fingerprint: fp });

    tracker.bytesTotal = total;
    // A line longer than the task's heap can take is refused by the line splitter (explainLineLimit says
    // why) rather than left to abort V8 (budget.ts, recordCap).
    const perTask = Math.floor(s.memory / s.workers);
    const env: TaskEnv = {
      ref, partitions: s.reducers, budget: perTask, chunkSize: s.chunkSize,
      badRecords: s.badRecords, fanIn, runsPerTask: Math.max(1, Math.floor(fanIn / splits.length)),
      maxLineBytes: Math.min(s.maxLineBytes, recordCap(perTask)),
    };
    const counters: Counters = {};
    const onTask = (e: TaskEvent) => { tracker.state(e); run.emit('task', e); };
    const onProgress = (p: TaskProgress) => {
      if (signal.aborted) throw signal.reason; // stops in-process tasks between chunks
      tracker.task(p);
    };
    let reused = 0;
    let mapTasks = splits.length;
    /** The files of the one part going to a stream, in order, when the reduce split it. */
    let pieces: string[] | undefined;
    // A word count (built-in 'words' map, 'sum'/'count' reduce) runs on the word-count engine, in flat
    // memory on every path: no in-memory path, no map tasks (word-job.ts). An option only the general
    // runtime honours (wordEngineHonours) sends it there.
    const onWordEngine = runsOnWordEngine(job, raw) && wordEngineHonours(options);
    if (onWordEngine) {
      streaming = true;
      mapTasks = files.length;
      tracker.setPhase('map');
      mergeCounters(counters, await runWordJob(files, {
        env, memory: s.memory, workers: s.workers, tmpDir: workDir as string, stage: stage as string, signal,
        onProgress, onReduce: () => tracker.setPhase('reduce'),
      }));
    } else if (!streaming) {
      tracker.setPhase('map');
      // Chosen by auto: held to its share of the budget, past which the job continues on the streaming path.
      // Forced (streaming: false): held to the whole budget, past which the job fails (inMemoryOverBudget).
      const hold = s.streaming === 'auto' ? inMemoryHold(s.memory) : s.memory;
      const memEnv = { ...env, budget: s.memory, maxLineBytes: Math.min(s.maxLineBytes, recordCap(s.memory)) };
      // The general path's modules (and piscina, stream-json) load only for a job that takes it.
      const { runInMemory, OverBudget, inMemoryOverBudget } = await import('./in-memory.ts');
      try {
        mergeCounters(counters, await runInMemory(job, files, memEnv, stage as string, onProgress, { hold, signal }));
        mapTasks = files.length;
      } catch (err) {
        if (!(err instanceof OverBudget)) throw await explainLineLimit(err, memEnv);
        if (s.streaming === false) throw inMemoryOverBudget(s.memory);
        streaming = true;
        // The abandoned Map is garbage now: give its memory back before the workers take their shares.
        collectGarbage();
        // The streaming tasks start from byte 0 again.
        files.forEach((_, i) => tracker.task({ id: `map-${i}`, bytesRead: 0, recordsIn: 0, recordsOut: 0, spills: 0 }));
      }
    }
    if (streaming && !onWordEngine) {
      const [{ InProcessExecutor, WorkerExecutor }, { mapPhase, reducePhase }, { countsOffHeap }] = await Promise.all([
        import('./pool.ts'), import('./phases.ts'), import('./collector.ts'),
      ]);
      executor = ref.kind === 'object' ? new InProcessExecutor(job) : new WorkerExecutor(s.workers, env.budget, countsOffHeap(job.agg ?? job.combineAgg));
      if (signal.aborted) throw signal.reason;
      const ctx: PhaseContext = { executor, env, maxAttempts: s.maxAttempts, signal, onTask, tracker };
      const mapped = await mapPhase(ctx, wd, splits);
      reused = mapped.reused;
      for (const r of mapped.results) mergeCounters(counters, r.counters);
      const bad = counters[BUILTIN_GROUP]?.badRecords ?? 0;
      if (s.badRecords !== 'fail' && bad > s.badRecords) {
        throw new Error(`${bad} bad records in all, more than the ${s.badRecords} allowed (badRecords); see the mrpipe.badRecords counter`);
      }
      // One key-ordered stream: its one partition is reduced in two halves at once (split at a key, so a
      // group function, which may join keys across it, keeps one task).
      const reduced = await reducePhase(ctx, wd, mapped.results, s.reducers, stage as string, toStream && !job.group);
      mergeCounters(counters, reduced.counters);
      pieces = reduced.parts[0];
    }
    if (signal.aborted) throw signal.reason;
    tracker.setPhase('commit');
    addCounter(counters, BUILTIN_GROUP, 'mapTasks', mapTasks);
    addCounter(counters, BUILTIN_GROUP, 'reduceTasks', s.reducers);
    if (reused) addCounter(counters, BUILTIN_GROUP, 'reusedMapTasks', reused);
    const final = sortedCounters(counters);
    const parts = Array.from({ length: s.reducers }, (_, r) => partName(r));
    if (outDir) {
      outDir.commit(stage as string, final, s.overwrite);
      committed = true;
    } else {
      const files = pieces ?? [join(stage as string, parts[0])];
      // stdout ('-') is written with blocking writes to fd 1: process.stdout writes synchronously on Linux
      // anyway, so nothing of ours is queued ahead of them, and copying 30 MB takes ~25 ms instead of ~90.
      if (options.output === '-') copyFilesSync(files, 1);
      else {
        const sink = options.output as NodeJS.WritableStream;
        await pipeline(stagedBytes(files), sink, { end: sink !== process.stdout });
      }
    }
    run.emit('counters', final);
    tracker.setPhase('done');
    return {
      output: outDir ? outDir.out : '-', parts, counters: final, mapTasks,
      reducers: s.reducers, streaming, reused, elapsedMs: Date.now() - started,
    };
  } catch (err) {
    failed = true;
    throw signal.aborted && !(err instanceof Error && err === signal.reason) && signal.reason ? signal.reason : fdLimitFailure(err, s.workers);
  } finally {
    signal.removeEventListener('abort', abortListener);
    process.removeListener('exit', exitListener);
    await executor?.destroy();
    const leftover = await cleanupDirs();
    if (locked && orphans.length > 0) outDir?.release(orphans); // failed before handling them: keep them named
    else if (locked) outDir?.unlock();
    if (stopListening) {
      stopListening();
      // Die of the signal, as an interrupted Unix tool does (exit status 128 + n), when the caller asked.
      if (caught && s.exitOnSignal) dieOfSignal(caught);
    }
    // A job that failed reports why it failed; one that worked but could not clean up says so (the
    // throw replaces only a result, never an error, hence the lint exception).
    // eslint-disable-next-line no-unsafe-finally
    if (leftover && !failed) throw fdLimitFailure(leftover, s.workers);
  }
}

/**
 * rmSync of each dir, retried while the open-file limit is hit: a job that failed *because* of EMFILE
 * would otherwise also fail to walk its temp dirs (a recursive rm opens each dir), leaving them and the
 * lock behind. Descriptors free up as the worker threads exit, so a short wait is enough. Every dir is
 * tried; the first error that survives is returned, never thrown, so the lock is still released.
 */
async function removeDirs(dirs: readonly (string | undefined)[]): Promise<unknown> {
  let first: unknown;
  for (const dir of dirs) {
    if (!dir) continue;
    for (let attempt = 0; ; attempt++) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
        break;
      } catch (err) {
        if (attempt < 40 && isFdLimit(err)) { await delay(50); continue; }
        first ??= err;
        break;
      }
    }
  }
  return first;
}

/** Staged output up to this size is read whole, synchronously: no libuv thread pool for a one-line result. */
const SMALL_OUTPUT = 1 << 20;

/**
 * The bytes of `files` in order, for a copy to a stream: small ones read at once (createReadStream would
 * start libuv's thread pool, a few ms of a short run's start-up); larger ones streamed, whose 64 KiB reads
 * V8 frees as it goes (256 KiB reads of our own, garbage outside the heap, piled up ~30 MB before a GC).
 */
function stagedBytes(files: string[]): Iterable<Buffer> | (() => AsyncGenerator<Buffer>) {
  if (files.reduce((sum, f) => sum + statSync(f).size, 0) <= SMALL_OUTPUT) return files.map((f) => readFileSync(f));
  return async function* () { for (const f of files) yield* createReadStream(f); };
}
