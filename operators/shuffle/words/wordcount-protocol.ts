// What a ParallelWordCounter and its helper threads (wordcount-worker.ts) share: the worker's data, the
// messages, and the states a helper publishes in shared memory (read while the main thread is blocked).

export interface WordCountWorkerData {
  memory: number;
  fanIn: number | undefined;
  runDir: string;
  runPrefix: string;
  /** Where its merged output goes. */
  out: string;
  /** Its ring: slotCount slots of slotBytes each, counted in order. */
  slots: SharedArrayBuffer;
  slotCount: number;
  slotBytes: number;
  /** Int32 per slot: 1 while it holds text the helper has yet to count (0: free for the main thread). */
  states: SharedArrayBuffer;
  /**
   * Int32 [published, ended, main thread spilling, fills (slot s at RING_FILLS + s)]: slot p % slotCount is
   * published when published > p, holding `fill` bytes of whole words (the last may end mid-word: the
   * input's end).
   */
  ring: SharedArrayBuffer;
  /**
   * Int32 [state, progress]: state 0 counting, 3 writing `out` (it exists), 1 `out` is complete, 2 failed
   * (error JSON in `error`); progress goes up at each write to `out` and at each change of state.
   */
  control: SharedArrayBuffer;
  /** Float64 [words, spills, mergePasses], written before state 1. */
  stats: SharedArrayBuffer;
  /** UTF-8 JSON of the error (WordCountWorkerResult['error']), NUL-padded. */
  error: SharedArrayBuffer;
}

/** Indexes in WordCountWorkerData.ring. No message per slot: a postMessage cost more than a wait. */
export const RING_PUBLISHED = 0;
export const RING_ENDED = 1;
/** 1 while the main thread spills its table: a helper with nothing to count may spill its own then. */
export const RING_SPILLING = 2;
export const RING_FILLS = 3;

/**
 * A helper with nothing to count while the main thread spills spills its own table first if it is this
 * full: the two spills overlap, where one after the other the later one would stall the main thread.
 */
export const EARLY_SPILL = 0.5;

export interface WordCountWorkerResult {
  error?: { message: string; code?: string; file?: string; written?: number; pending?: number };
}

export const HELPER_COUNTING = 0;
export const HELPER_DONE = 1;
export const HELPER_FAILED = 2;
export const HELPER_WRITING = 3;
