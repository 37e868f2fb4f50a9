// What the scheduler sends to a task (in a worker thread or in-process) and what comes back.
import type { BadRecordsPolicy, Counters } from '../job/types.ts';
import type { JobRef } from '../job/load.ts';
import type { KeyRange, RunIndex } from './runs.ts';

export interface MapTaskSpec {
  kind: 'map';
  id: string;
  index: number;
  /** The file to read (a spooled copy for stdin). */
  path: string;
  /** The name used in contexts and messages (as the user gave it). */
  name: string;
  gz: boolean;
  start: number;
  /** Inclusive line-start bound (LineRecordReader rule); Infinity for a whole file. */
  end: number;
  /** Where this attempt writes its runs (a fresh directory). */
  dir: string;
  /** The file's size and mtime when the job was planned: a file that changes under the job is an error. */
  size: number;
  mtimeMs: number;
}

export interface ReduceTaskSpec {
  kind: 'reduce';
  id: string;
  partition: number;
  /** Absolute run paths of this partition, in map task order then spill order (the merge is stable). */
  runs: string[];
  /** Scratch directory for intermediate merge passes. */
  scratch: string;
  /** Temp name of the part file; renamed to `final` on success. */
  tmpPath: string;
  final: string;
  /** Only these keys of the partition (a half of a split reduce, see phases.ts); all when absent. */
  range?: KeyRange;
}

export interface TaskEnv {
  ref: JobRef;
  partitions: number;
  /** Bytes this task may hold. */
  budget: number;
  chunkSize: number;
  badRecords: BadRecordsPolicy;
  fanIn: number;
  /**
   * The most runs a map task leaves per partition (fanIn / map tasks, at least 1): it merges its spills
   * down to that many, no further, so the reduce still merges every task's runs in one pass and a spilled
   * record is written and read once less than if each task merged to one run.
   */
  runsPerTask: number;
  /** Longest line accepted (bytes, without its terminator). */
  maxLineBytes: number;
}

export interface TaskProgress {
  id: string;
  bytesRead: number;
  recordsIn: number;
  recordsOut: number;
  spills: number;
}

export interface MapTaskResult {
  id: string;
  /** runs[p]: run file names in the task dir, spill order. */
  runs: string[][];
  /** index[p][i]: the sparse index of runs[p][i], which a split reduce cuts at (absent: from an older run). */
  index?: RunIndex[][];
  counters: Counters;
  bytesRead: number;
}

export interface ReduceTaskResult {
  id: string;
  counters: Counters;
}

export type TaskSpec = MapTaskSpec | ReduceTaskSpec;
export type TaskResult = MapTaskResult | ReduceTaskResult;

/** A worker's deterministic failure sent back as data: an Error cloned across threads loses its marks. */
export interface TaskFailure {
  deterministicFailure: string;
}

export function isTaskFailure(r: unknown): r is TaskFailure {
  return typeof (r as TaskFailure | null)?.deterministicFailure === 'string';
}
