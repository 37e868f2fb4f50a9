// The shape of a job and of the options runJob takes. A job is a plain object (usually a module's default
// export); defineJob() only adds types, so a job file never needs to import mrpipe.
import type { Emit } from '../../operators/types.ts';
import type { BuiltinMapName, BuiltinName } from '../../operators/shuffle/keyed/builtins.ts';

/** Names of the built-in combiners/reducers (associative, so they also run map-side). */
export type { BuiltinMapName, BuiltinName };

/** How input becomes records: 'lines' (default), 'jsonl' (one JSON value a line), 'json' (one top-level array, streamed). */
export type InputFormat = 'lines' | 'jsonl' | 'json';
/** How output rows are written: 'tsv' (key<TAB>value, default) or 'jsonl' ({"key", "value"}). */
export type OutputFormat = 'tsv' | 'jsonl';

/** Where a record came from; passed to map as its third argument. */
export interface MapContext {
  /** The input file as given (after glob expansion); '-' for stdin. */
  file: string;
  /** Byte offset of the record's line in the (uncompressed) file; undefined for `json` input. */
  offset: number | undefined;
  /** 1-based line number, known when the task reads its file from byte 0 (always with `split: false`). */
  line: number | undefined;
  /** 0-based index of the element in a `json` array input. */
  index: number | undefined;
  /** Adds n (default 1) to a user counter. */
  counter(group: string, name: string, n?: number): void;
  /** Which task this is ('map-3'), for logs. */
  taskId: string;
}

/** Passed to reduce as its third argument. */
export interface ReduceContext {
  /** The full key of the value most recently taken from `values` (differs from the group key only with `group`). */
  key: string;
  /** Writes an extra output row (the return value of reduce is written too, unless undefined). */
  emit: Emit;
  counter(group: string, name: string, n?: number): void;
  taskId: string;
}

/** Passed to setup/teardown, once per task. */
export interface TaskContext {
  taskId: string;
  kind: 'map' | 'reduce';
  /** The map task's input file. */
  file?: string;
  counter(group: string, name: string, n?: number): void;
}

/** A job's map: called once per record, emits [key, value] pairs through `emit`. */
export type MapFn<R = any, V = any> = (record: R, emit: Emit<V>, ctx: MapContext) => void;
/** A job's reduce: a key and its values (streamed, in sorted order) in; the output value out (undefined writes nothing). */
export type ReduceFn<V = any, O = any> = (key: string, values: Iterable<V>, ctx: ReduceContext) => O | undefined;
/** A job's combine: merges some values of a key map-side into one value of the same type (must be associative). */
export type CombineFn<V = any> = (key: string, values: Iterable<V>) => V;

/** A MapReduce job: map (required), optional combine and reduce (a function or a built-in name), input and output formats. A plain object; defineJob() only types it. */
export interface Job<R = any, V = any, O = any> {
  name?: string;
  /** A function, or the name of a built-in map: 'words' (words split on ASCII whitespace, each emitted with
   * 1; with reduce 'sum' or 'count' the job runs on the word-count engine, docs/RUNTIME.md). */
  map: MapFn<R, V> | BuiltinMapName;
  /** Map-side pre-aggregation; must be associative and return a value of the map's value type. */
  combine?: CombineFn<V> | BuiltinName;
  /** No reduce = a map-only job: every emitted pair is written, sorted by key (stable). */
  reduce?: ReduceFn<V, O> | BuiltinName;
  /** Secondary sort: keys sort fully but partition and group by group(key) (Hadoop's grouping comparator). */
  group?: (key: string) => string;
  input?: InputFormat;
  output?: OutputFormat;
  /** Decoding of text lines: 'utf8' (default; 'latin1' for the built-in map 'words') or 'latin1' (one char
   * per byte, fastest, byte order preserved). */
  encoding?: 'utf8' | 'latin1';
  /** false: never split a file into byte ranges (exact line numbers for every record). */
  split?: boolean;
  setup?: (ctx: TaskContext) => void | Promise<void>;
  teardown?: (ctx: TaskContext) => void | Promise<void>;
}

/**
 * A job described by source strings, so worker threads can rebuild it: map/combine/reduce/group are
 * JavaScript function expressions (or built-in names for combine/reduce). Used by `mrpipe run --map ...`.
 */
export interface InlineJob {
  name?: string;
  /** A function expression, or a built-in map's name ('words'). */
  map: string;
  combine?: string;
  reduce?: string;
  group?: string;
  input?: InputFormat;
  output?: OutputFormat;
  encoding?: 'utf8' | 'latin1';
  split?: boolean;
}

/** What runJob accepts: a job object (runs in-process), a module path or recipe name, or an inline job. */
export type JobSpec = Job | string | URL | InlineJob;

/** What a record that fails to parse or map does: 'fail' the job (default), or be skipped and counted up to N. */
export type BadRecordsPolicy = 'fail' | number;

/** Options of runJob and startJob: inputs, output, memory budget, parallelism, temp dir, and what to do with failures (docs/RUNTIME.md). */
export interface RunOptions {
  /** Input paths and globs; '-' is stdin (spooled to the job temp dir, then split like a file). */
  inputs: string[];
  /** Output directory; '-' or a Writable: the output in key order (one reducer), no directory. */
  output: string | NodeJS.WritableStream;
  /** Number of map tasks (default: split by size, see splitSize). */
  mapTasks?: number;
  /** Bytes per split for files over the threshold (default 128 MB). */
  splitSize?: number | string;
  reducers?: number;
  workers?: number;
  /** One budget for the whole job, e.g. '64MB', '1GiB' or bytes (default 256MB). */
  memory?: number | string;
  tmpDir?: string;
  /** Bytes read per input chunk (default 1 MiB). */
  chunkSize?: number | string;
  /** true: worker threads, spilling under the budget; false: the in-memory path; 'auto' (default): the
   * in-memory path only when the input surely fits the budget (docs/RUNTIME.md, "The in-memory path"). */
  streaming?: 'auto' | boolean;
  /** The most input 'auto' runs in memory, and the size above which files are split (default 100MB). */
  threshold?: number | string;
  resume?: boolean;
  /** Replace an existing output dir: true only an earlier mrpipe output (with _SUCCESS) that holds neither
   * the working directory nor an input; 'force' any directory. */
  overwrite?: boolean | 'force';
  maxAttempts?: number;
  /** Longest input line accepted, in bytes (default 1 MiB, the line operators' default; at most half a
   * task's heap cap, see docs/RUNTIME.md "Memory"); longer lines are bad records. */
  maxLineBytes?: number | string;
  /** 'fail' (default) or the number of bad records to skip (and count) before failing. */
  badRecords?: BadRecordsPolicy;
  /** Abort the job from outside. */
  signal?: AbortSignal;
  /** Stop the job on SIGINT/SIGTERM and remove its temp files (default false: signals are the program's;
   * stop a job yourself with `signal` or JobRun.abort()). The result then rejects "interrupted by SIGINT". */
  handleSignals?: boolean;
  /** With handleSignals: once cleaned up, end the process by that signal (status 128 + n) unless another
   * listener is there to decide (default false; the CLI sets it). */
  exitOnSignal?: boolean;
  /** Progress callback (also emitted as 'progress' on the JobRun). */
  onProgress?: (p: JobProgress) => void;
}

/** Where a map or reduce task is: pending, running, done, failed, retrying, or reused from an interrupted run. */
export type TaskState = 'pending' | 'running' | 'done' | 'failed' | 'retrying' | 'reused';

/** A progress report (onProgress, the 'progress' event): the phase, bytes read of the total, records and tasks. */
export interface JobProgress {
  phase: 'plan' | 'map' | 'reduce' | 'commit' | 'done';
  bytesRead: number;
  bytesTotal: number;
  recordsIn: number;
  recordsOut: number;
  spills: number;
  tasks: Record<TaskState, number>;
}

/** A task changed state (the 'task' event of a JobRun): which task, its state and attempt, the error if any. */
export interface TaskEvent {
  id: string;
  kind: 'map' | 'reduce';
  state: TaskState;
  attempt: number;
  error?: string;
}

/** Counters by group and name (records in and out, bad records, spills, the job's own), as in _COUNTERS.json. */
export type Counters = Record<string, Record<string, number>>;

/** What runJob resolves with: the output directory and its parts, the counters, task counts and elapsed time. */
export interface JobResult {
  /** Absolute output directory ('-' for a stream). */
  output: string;
  parts: string[];
  counters: Counters;
  mapTasks: number;
  reducers: number;
  streaming: boolean;
  /** Map tasks reused from an interrupted run (--resume). */
  reused: number;
  elapsedMs: number;
}
