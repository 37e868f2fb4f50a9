// runJob options with their defaults; sizes are read by the one size grammar (plumbing/sizes.ts: 64MB =
// 64 MiB, `50%` = half of physical RAM, as on the command line).
import { availableParallelism, tmpdir } from 'node:os';
import bytes from 'bytes';
import { DEFAULT_MEMORY, parseSize } from '../../plumbing/sizes.ts';
import type { BadRecordsPolicy, RunOptions } from '../job/types.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../operators/lines/line-splitter.ts';
import { DEFAULT_CHUNK_SIZE } from '../../operators/lines/read-chunks.ts';
import { DEFAULT_SPLIT_SIZE } from '../../operators/lines/plan-ranges.ts';

export { DEFAULT_MEMORY };
export const DEFAULT_THRESHOLD = 100 * 1024 * 1024;
/** The one split size (128 MiB, why: operators/lines/plan-ranges.ts), planRanges' default too. */
export { DEFAULT_SPLIT_SIZE };
/** The line operators' measured default read size. */
export { DEFAULT_CHUNK_SIZE };
export const DEFAULT_MAX_ATTEMPTS = 3;
/** The least each concurrent task can work with: read chunk, write buffers, merge buffers, a useful sort buffer. */
export const MIN_MEMORY_PER_WORKER = 4 * 1024 * 1024;

export interface Settings {
  memory: number;
  workers: number;
  reducers: number;
  mapTasks: number | undefined;
  splitSize: number;
  threshold: number;
  chunkSize: number;
  tmpDir: string;
  streaming: 'auto' | boolean;
  resume: boolean;
  overwrite: boolean | 'force';
  maxAttempts: number;
  badRecords: BadRecordsPolicy;
  handleSignals: boolean;
  exitOnSignal: boolean;
  maxLineBytes: number;
}

function positiveInt(v: number | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${what} must be a whole number >= 1, got ${v}`);
  return v;
}

export function settingsOf(o: RunOptions, toStream: boolean): Settings {
  const cores = availableParallelism();
  const workers = positiveInt(o.workers, 'workers', cores);
  const memory = o.memory === undefined ? DEFAULT_MEMORY : parseSize(o.memory, 'memory');
  const min = MIN_MEMORY_PER_WORKER * workers;
  if (memory < min) {
    throw new RangeError(`memory budget ${bytes.format(memory)} is too small: mrpipe needs at least ${bytes.format(min)} `
      + `(${bytes.format(MIN_MEMORY_PER_WORKER)} per worker, ${workers} worker${workers > 1 ? 's' : ''}); raise memory or lower workers`);
  }
  const chunkSize = o.chunkSize === undefined ? DEFAULT_CHUNK_SIZE : parseSize(o.chunkSize, 'chunkSize');
  if (chunkSize < 1) throw new RangeError('chunkSize must be at least 1 byte');
  const bad = o.badRecords ?? 'fail';
  if (bad !== 'fail' && !(Number.isSafeInteger(bad) && bad >= 0)) throw new RangeError(`badRecords must be 'fail' or a count >= 0, got ${String(bad)}`);
  const streaming = o.streaming ?? 'auto';
  if (streaming !== 'auto' && streaming !== true && streaming !== false) throw new RangeError(`streaming must be auto, true or false, got ${String(streaming)}`);
  if (streaming === false) {
    // These plan the streaming path's map tasks (threshold: which files are split); the in-memory path runs
    // none, so a value given would be ignored. (maxAttempts is not among them: its default applies to every
    // run, and the in-memory path, which has no tasks, runs the job once, as docs/RUNTIME.md says.) The CLI reports
    // this one check in its flags (flag-words.ts).
    const given = Object.entries({ mapTasks: o.mapTasks, splitSize: o.splitSize, threshold: o.threshold }).find(([, v]) => v !== undefined);
    if (given) throw new RangeError(`${given[0]} plans map tasks; the in-memory path (streaming: false) runs none`);
  }
  return {
    memory,
    workers,
    // Output to a stream is one key-ordered sequence: one reducer.
    reducers: toStream ? 1 : positiveInt(o.reducers, 'reducers', cores),
    mapTasks: o.mapTasks === undefined ? undefined : positiveInt(o.mapTasks, 'mapTasks', 1),
    splitSize: Math.max(1, o.splitSize === undefined ? DEFAULT_SPLIT_SIZE : parseSize(o.splitSize, 'splitSize')),
    threshold: o.threshold === undefined ? DEFAULT_THRESHOLD : parseSize(o.threshold, 'threshold'),
    chunkSize,
    tmpDir: o.tmpDir ?? tmpdir(),
    streaming,
    resume: o.resume ?? false,
    overwrite: o.overwrite === 'force' ? 'force' : o.overwrite === true,
    maxAttempts: positiveInt(o.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS),
    badRecords: bad,
    handleSignals: o.handleSignals ?? false,
    exitOnSignal: o.exitOnSignal ?? false,
    maxLineBytes: o.maxLineBytes === undefined ? DEFAULT_MAX_LINE_BYTES : parseSize(o.maxLineBytes, 'maxLineBytes'),
  };
}
