// What a ParallelWordCounter and its helper threads (wordcount-worker.ts) share: the worker's data, the
// messages, and the states a helper publishes in shared memory (read while the main thread is blocked).

export interface WordCountWorkerData {
  memory: number;
  fanIn: number | undefined;
  runDir: string;
  runPrefix: string;
  /** The thread that owns each word key (wordscan.ts wordKey); this helper counts those of `me`. */
  owner: Uint8Array;
  me: number;
  /** Runs of its keys' words counted before it started (the main thread's first table), for countRun. */
  runs: string[];
  /** Where its merged output goes. */
  out: string;
  /** The ring: slotCount slots of slotBytes each. */
  slots: SharedArrayBuffer;
  slotCount: number;
  slotBytes: number;
  /** Helper threads in all: each slot has a descriptor list per helper. */
  helpers: number;
  /**
   * Int32 descriptors (wordsplit.ts) of the words each helper counts: descCap per helper per slot, helper
   * t's list of slot s at ((s * helpers) + t) * descCap * DESC_INTS.
   */
  descs: SharedArrayBuffer;
  descCap: number;
  /**
   * Int32 [published, ended, main thread spilling, descriptor counts (slot s, helper t at RING_COUNTS +
   * s * helpers + t)]: slot p % slotCount is published when published > p.
   */
  ring: SharedArrayBuffer;
  /** Int32 per slot: the helpers that have yet to scan it (0: free). */
  states: SharedArrayBuffer;
  /**
   * Int32 [state, progress, spilling]: state 0 counting, 3 writing `out` (it exists), 1 `out` is complete,
   * 2 failed (error JSON in `error`); progress goes up at each write to `out` and at each change of state;
   * spilling is 1 while the helper spills its table.
   */
  control: SharedArrayBuffer;
  /**
   * Float64 [words, spills, mergePasses, batches, CPU ring]: the first three written before state 1;
   * `batches` of BALANCE_SLOTS slots counted so far, and the helper's CPU time (µs) at the end of batch n at
   * STATS_CPU + n % CPU_RING, kept up to date (the main thread balances the shares by them).
   */
  stats: SharedArrayBuffer;
  /** UTF-8 JSON of the error (WordCountWorkerResult['error']), NUL-padded. */
  error: SharedArrayBuffer;
}

/** Indexes in WordCountWorkerData.ring. No message per slot: a postMessage cost more than a wait. */
export const RING_PUBLISHED = 0;
export const RING_ENDED = 1;
/** 1 while the main thread spills its table: a helper with nothing to count may spill its own then. */
export const RING_SPILLING = 2;
export const RING_COUNTS = 3;

/**
 * A thread that would wait for another one that is spilling spills its own table first if it is this full:
 * the two spills overlap, where one after the other each would stall the other thread (the ring holds
 * ~20 ms of text, a spill takes ~100 ms).
 */
export const EARLY_SPILL = 0.5;

/** Slots in a batch: the shares are balanced at the end of each (8 MiB of text, a few tens of ms). */
export const BALANCE_SLOTS = 32;
/** Batches whose CPU times are kept. */
export const CPU_RING = 8;
/** Indexes in a helper's stats: batches counted, and its CPU time at the end of each (a ring). */
export const STATS_BATCHES = 3;
export const STATS_CPU = 4;

/** CPU time of the calling thread (µs), by which the threads balance; NaN on a Node without process.threadCpuUsage (no balance). */
export function threadCpu(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage === undefined ? NaN : usage.user + usage.system;
}

/** Index in a helper's control block: 1 while it spills its table. */
export const CONTROL_SPILLING = 2;

export interface WordCountWorkerResult {
  error?: { message: string; code?: string; file?: string; written?: number; pending?: number };
}

export const HELPER_COUNTING = 0;
export const HELPER_DONE = 1;
export const HELPER_FAILED = 2;
export const HELPER_WRITING = 3;
