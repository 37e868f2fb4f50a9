// Sorting an arena of lines and writing it as a run file, and merging runs: the units of work the
// LineSorter does itself or hands to its sort worker (sort-worker.ts), so the same code runs on either thread.
import { sortRanges, sortScratch, type ShareGroups, type SortScratch } from './bytesort.ts';
import fs from 'node:fs';
import { ArenaCursor, LineMerge, LineRunReader, LineRunWriter, UniqueLines, type LineCursor } from './linerun.ts';
import { lineChunks } from './line-chunks.ts';
import { FromSplitter } from './splitter.ts';

export interface RunJob {
  file: string;
  count: number;
  ioSize: number;
  reverse: boolean;
  unique: boolean;
}

/**
 * A job for the sort worker (sort-worker.ts): write the run of an arena the asking thread has sorted
 * (order and lcp as sortRanges left them), while it fills the other arena. All arrays in shared memory.
 */
export interface WorkerJob extends RunJob {
  arena: SharedArrayBuffer;
  starts: Uint32Array;
  lens: Uint32Array;
  order: Uint32Array;
  lcp: Uint32Array;
  /** Int32 [state, errorLength], then Float64 [records, bytes] at byte 8, then error JSON at byte 24. */
  status: SharedArrayBuffer;
}

/**
 * A job for the sort worker: sort these groups ([lo, hi, depth] triples, bytesort.ts sortGroups) of the
 * arena the thread that asked is sorting, into its shared order and lcp, while it sorts the others.
 */
export interface GroupsJob {
  groups: Uint32Array;
  arena: SharedArrayBuffer;
  /** Shared copies of the arena's offsets; order and lcp: the asking thread's shared scratch. */
  starts: Uint32Array;
  lens: Uint32Array;
  order: Uint32Array;
  lcp: Uint32Array;
  /** Lines in the arena (the worker's own scratch is indexed like order). */
  count: number;
  status: SharedArrayBuffer;
}

/** A job for the sort worker: merge sorted runs into one (a merge pass's group), then remove them. */
export interface MergeJob {
  merge: string[];
  file: string;
  ioSize: number;
  reverse: boolean;
  status: SharedArrayBuffer;
}

/**
 * A job for the sort worker: the final merge's lines from `splitter` on (splitter.ts), written as output
 * text (each line ended by LF) to `file`; the thread that asked merges the lines before it meanwhile.
 */
export interface RangeJob {
  range: string[];
  splitter: Uint8Array;
  file: string;
  ioSize: number;
  reverse: boolean;
  unique: boolean;
  /** BigInt64 [bytes written so far], notified at each write: the other thread reads the file meanwhile. */
  progress: SharedArrayBuffer;
  status: SharedArrayBuffer;
}

export const READY = 1;
export const RUNNING = 2;
export const DONE = 3;
export const FAILED = 4;
export const STATUS_BYTES = 24 + 4096;

/** A cursor that always knows its lcp. */
export type SortedLines = LineCursor & { lcp: number };

/**
 * The arena's lines sorted (reverse / unique applied) as a cursor over the arena. `share`: may hand groups
 * to the sort thread (the caller waits for them before reading the cursor).
 */
export function sortedArena(
  data: Buffer, starts: Uint32Array, lens: Uint32Array, count: number, reverse: boolean, unique: boolean, scratch?: SortScratch,
  share?: ShareGroups,
): SortedLines {
  const work = sortScratch(count, scratch);
  const order = sortRanges(data, starts, lens, count, work, share);
  return arenaLines(data, starts, lens, order, work.lcp, reverse, unique);
}

/** The arena's lines in `order` (sorted, with their `lcp`), reverse / unique applied. */
function arenaLines(
  data: Buffer, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, lcp: Uint32Array, reverse: boolean, unique: boolean,
): SortedLines {
  const c = new ArenaCursor(data, starts, lens, order, reverse, lcp);
  return unique ? (new UniqueLines(c) as SortedLines) : c; // UniqueLines passes on the arena's lcp
}

/** Write the lines of a sorted arena (job.order, job.lcp) to job.file (removed again on failure). */
export function writeSortedRun(data: Buffer, job: Omit<WorkerJob, 'status'>, ioBuffer?: Buffer): { records: number; bytes: number } {
  const c = arenaLines(data, job.starts, job.lens, job.order.subarray(0, job.count), job.lcp, job.reverse, job.unique);
  const w = new LineRunWriter(job.file, job.ioSize, ioBuffer?.length === job.ioSize ? ioBuffer : undefined);
  try {
    while (c.advance()) w.write(c.buf, c.start, c.end, c.lcp);
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  return { records: w.records, bytes: w.bytes };
}

/**
 * Merge the runs `files` into `file` with ioSize-byte buffers (`buffers`, reused when given), then remove
 * them; on failure the partial output is removed and the inputs are left as they were.
 */
export function mergeRuns(
  files: readonly string[], file: string, ioSize: number, reverse: boolean, buffers: Buffer[] = [],
): { records: number; bytes: number } {
  const sources: LineCursor[] = [];
  let w: LineRunWriter | undefined;
  try {
    for (let i = 0; i < files.length; i++) {
      if (buffers[i]?.length !== ioSize) buffers[i] = Buffer.allocUnsafeSlow(ioSize);
      sources.push(new LineRunReader(files[i], ioSize, buffers[i]));
    }
    const m = new LineMerge(sources, reverse);
    if (buffers[files.length]?.length !== ioSize) buffers[files.length] = Buffer.allocUnsafeSlow(ioSize);
    w = new LineRunWriter(file, ioSize, buffers[files.length]);
    while (m.advance()) w.write(m.buf, m.start, m.end, m.lcp);
    w.close();
  } catch (err) {
    w?.abort();
    throw err;
  } finally {
    for (const c of sources) c.close();
  }
  for (const f of files) fs.rmSync(f, { force: true });
  return { records: w.records, bytes: w.bytes };
}

/**
 * Merge the lines of the runs `files` from `splitter` on (in output order) into `file` as text, each line
 * ended by LF, with ioSize-byte read buffers (`buffers`, reused). The runs stay: the other range is read
 * from them too. `onWritten` is told the bytes written after each write. On failure the partial output is
 * removed. Returns the bytes written (records: 0).
 */
export function mergeRange(
  files: readonly string[], splitter: Uint8Array, file: string, ioSize: number, reverse: boolean, unique: boolean,
  buffers: Buffer[] = [], onWritten?: (bytes: number) => void,
): { records: number; bytes: number } {
  const sources: LineCursor[] = [];
  let fd = -1;
  let bytes = 0;
  try {
    for (let i = 0; i < files.length; i++) {
      if (buffers[i]?.length !== ioSize) buffers[i] = Buffer.allocUnsafeSlow(ioSize);
      sources.push(new FromSplitter(new LineRunReader(files[i], ioSize, buffers[i]), splitter, reverse));
    }
    const m = new LineMerge(sources, reverse);
    const c = unique ? new UniqueLines(m) : m;
    fd = fs.openSync(file, 'wx', 0o600);
    for (const chunk of lineChunks(c, ioSize, true)) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      bytes += chunk.length;
      onWritten?.(bytes);
    }
  } catch (err) {
    if (fd >= 0) fs.rmSync(file, { force: true });
    throw err;
  } finally {
    for (const c of sources) c.close();
    if (fd >= 0) fs.closeSync(fd);
  }
  return { records: 0, bytes }; // lines not counted: the caller copies bytes
}
