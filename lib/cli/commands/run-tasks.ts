// The run-file forms of `mrpipe map` and `mrpipe reduce`, for engines that move bytes between tasks
// themselves (Dask): no job logic is left to the engine.
//   mrpipe map JOB FILE --partitions R --run-dir DIR [--start N --end N]
//     the runtime's own map task on one split of FILE: map, combine, partition by FNV-1a of the job's
//     group(key) (or key), R sorted runs per spill in the runtime's run format. Prints a manifest on stdout:
//     {"runs": [[run file names in DIR, spill order] × R], "counters": {...}, "bytesRead": N}.
//   mrpipe reduce JOB --runs RUN... -o PART
//     the runtime's reduce task: a stable merge of the runs in the order given, grouped by the job's group,
//     reduced, written to PART under a temp name and renamed. Prints {"counters": {...}} on stdout.
// Without --partitions / --runs the commands speak the Hadoop Streaming line protocol (streaming.ts).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomHex } from '../../../plumbing/random-hex.ts';
import type { Command } from 'commander';
import type { ResolvedJob } from '../../job/load.ts';
import { jobRefOf, type JobRef } from '../../job/load.ts';
import type { JobSpec } from '../../job/types.ts';
import { runMapTask } from '../../runtime/map-task.ts';
import { runReduceTask } from '../../runtime/reduce-task.ts';
import { DEFAULT_CHUNK_SIZE, DEFAULT_MEMORY, MIN_MEMORY_PER_WORKER } from '../../runtime/options.ts';
import { mergeFanIn } from '../../runtime/budget.ts';
import type { TaskEnv } from '../../runtime/task-types.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../../operators/lines/line-splitter.ts';
import { CliError, failure, usageError } from '../errors.ts';
import { isGzip } from '../../../plumbing/open-input.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { parseBadRecords } from '../job-spec.ts';

export interface RunTaskFlags {
  partitions?: string;
  runDir?: string;
  start?: string;
  end?: string;
  runs?: boolean;
  taskId?: string;
  memory?: string;
  badRecords?: string;
  maxLineBytes?: string;
  output?: string;
}

/** The flags of the run-file forms (added to `mrpipe map` and `mrpipe reduce`). */
export function addRunTaskFlags(cmd: Command, name: 'map' | 'combine' | 'reduce'): void {
  if (name === 'map') {
    cmd.option('--partitions <R>', 'run-file form: write R sorted runs (the runtime map side) to --run-dir, a manifest on stdout')
      .option('--run-dir <DIR>', 'run-file form: where the runs go (created if missing)')
      .option('--start <BYTE>', 'run-file form: first byte of the split (the line starting after it, unless 0)')
      .option('--end <BYTE>', 'run-file form: lines starting at or before this byte belong to the split (default: EOF)');
  }
  if (name === 'reduce') cmd.option('--runs', 'run-file form: FILE... are runs from `mrpipe map --partitions`, merged in the order given');
  if (name !== 'combine') {
    cmd.option('--task-id <ID>', 'run-file form: the task name used in messages')
      .option('-m, --memory <SIZE>', 'run-file form: memory budget of this task (default 256MB)');
  }
}

/** True when the flags ask for a run-file form. */
export function isRunTask(flags: RunTaskFlags): boolean {
  return flags.partitions !== undefined || flags.runs === true;
}

/** The run-file flags that mean nothing to the line protocol: given without --partitions / --runs, a usage error. */
const RUN_TASK_ONLY: ReadonlyArray<[keyof RunTaskFlags, string]> = [
  ['runDir', '--run-dir'], ['start', '--start'], ['end', '--end'], ['taskId', '--task-id'], ['memory', '--memory'],
];

/** Refuses (exit 2) a run-file flag on the line-protocol form, where it would be ignored. */
export function refuseRunTaskFlags(name: 'map' | 'combine' | 'reduce', flags: RunTaskFlags): void {
  const given = RUN_TASK_ONLY.find(([key]) => flags[key] !== undefined);
  if (given === undefined) return;
  const form = name === 'reduce' ? '`mrpipe reduce --runs`' : '`mrpipe map --partitions`';
  throw usageError(`${given[1]} applies to the run-file form (${form}) only; the line protocol has no use for it`);
}

function taskEnv(ref: JobRef, partitions: number, flags: RunTaskFlags): TaskEnv {
  const budget = flags.memory === undefined ? DEFAULT_MEMORY : parseSize(flags.memory, '--memory');
  if (budget < MIN_MEMORY_PER_WORKER) throw usageError(`--memory: a task needs at least ${MIN_MEMORY_PER_WORKER >> 20}MB`);
  const parsed = parseBadRecords(flags.badRecords ?? 'fail');
  const bad = parsed === 'fail' ? 0 : parsed;
  return {
    // One run per partition: the engine driving these tasks may run any number of them.
    ref, partitions, budget, chunkSize: DEFAULT_CHUNK_SIZE, badRecords: bad, fanIn: mergeFanIn(budget), runsPerTask: 1,
    maxLineBytes: flags.maxLineBytes === undefined ? DEFAULT_MAX_LINE_BYTES : parseSize(flags.maxLineBytes, '--max-line-bytes'),
  };
}

function byteFlag(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined || v === 'EOF') return dflt;
  if (!/^\d+$/.test(v)) throw usageError(`${flag}: '${v}' is not a byte offset (a whole number, or EOF for --end)`);
  return Number(v);
}

/** Runs a run-file form; its result is one JSON line on stdout. A failure is the task's own message (exit 1). */
export async function runTask(name: 'map' | 'reduce', spec: JobSpec, job: ResolvedJob, files: string[], flags: RunTaskFlags): Promise<void> {
  try {
    await runTaskOf(name, spec, job, files, flags);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw failure(err instanceof Error ? err.message : String(err));
  }
}

async function runTaskOf(name: 'map' | 'reduce', spec: JobSpec, job: ResolvedJob, files: string[], flags: RunTaskFlags): Promise<void> {
  const ref = jobRefOf(spec);
  if (name === 'map') {
    if (flags.runs) throw usageError('--runs belongs to `mrpipe reduce`');
    const partitions = parseCount(flags.partitions as string, '--partitions');
    if (flags.runDir === undefined) throw usageError('--partitions needs --run-dir DIR (where the runs are written)');
    if (flags.output !== undefined) throw usageError('-o does not apply to `mrpipe map --partitions`: its runs go to --run-dir, its manifest to stdout');
    if (files.length !== 1 || files[0] === '-') throw usageError('--partitions reads one split of one input FILE (not stdin)');
    const path = resolve(files[0]);
    let st;
    try { st = statSync(path); } catch (err) { throw failure(`input ${files[0]}: ${(err as Error).message}`); }
    const gz = isGzip(path);
    const start = byteFlag(flags.start, '--start', 0);
    const end = byteFlag(flags.end, '--end', Infinity);
    if (gz && (start !== 0 || end !== Infinity)) throw usageError(`${files[0]}: a .gz file is read whole (no --start/--end)`);
    const env = taskEnv(ref, partitions, flags);
    const id = flags.taskId ?? 'map-0';
    const r = await runMapTask(job, {
      kind: 'map', id, index: 0, path, name: files[0], gz, start, end, dir: resolve(flags.runDir),
      size: st.size, mtimeMs: st.mtimeMs,
    }, env);
    process.stdout.write(`${JSON.stringify({ runs: r.runs, counters: r.counters, bytesRead: r.bytesRead })}\n`);
    return;
  }
  if (flags.partitions !== undefined) throw usageError('--partitions belongs to `mrpipe map`');
  if (flags.output === undefined || flags.output === '-') throw usageError('--runs needs -o PART (the part file to write)');
  const final = resolve(flags.output);
  const env = taskEnv(ref, 1, flags);
  const scratch = mkdtempSync(join(tmpdir(), 'mrpipe-reduce-'));
  const tmpPath = `${final}.tmp-${randomHex(6)}`;
  let r;
  try {
    r = await runReduceTask(job, {
      kind: 'reduce', id: flags.taskId ?? 'reduce-0', partition: 0, runs: files.map((f) => resolve(f)), scratch, tmpPath, final,
    }, env);
  } catch (err) {
    rmSync(tmpPath, { force: true });
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ counters: r.counters })}\n`);
}
