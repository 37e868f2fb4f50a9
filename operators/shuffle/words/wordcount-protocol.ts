// What a ParallelWordCounter and its helper threads (wordcount-worker.ts) share: the worker's data, the
// messages, and the states a helper publishes in shared memory (read while the main thread is blocked).

export interface WordCountWorkerData {
  memory: number;
  fanIn: number | undefined;
  runDir: string;
  runPrefix: string;
  /** Where its merged output goes: the words of its range. */
  out: string;
  /** Bounds of the ranges of words (WordCounter.splitRanges): thread t merges range t, this helper `range`. */
  splits: Uint8Array[];
  range: number;
  /**
   * Int32 [threads done]: each thread adds 1 once it has written its table's words of the other ranges;
   * when it reaches `threads`, every run of every range is written and each thread merges its own.
   */
  barrier: SharedArrayBuffer;
  threads: number;
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

/** Says this thread has passed the barrier: its runs of the other ranges are written. */
export function passBarrier(barrier: Int32Array): void {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
}

/**
 * A helper's wait until every thread has passed the barrier. Blocking is fine on a helper: it has nothing
 * else to do, and the calling thread terminates it if the count fails.
 */
export function awaitBarrierSync(barrier: Int32Array, threads: number): void {
  for (let seen = Atomics.load(barrier, 0); seen < threads; seen = Atomics.load(barrier, 0)) Atomics.wait(barrier, 0, seen, 200);
}

/**
 * The calling thread's wait until every thread has passed the barrier, `check` throwing any failure seen
 * meanwhile. It lets the event loop turn between short waits: a helper that died before it could say so in
 * shared memory (its module failed to load, its thread could not start) is known only by its 'error' and
 * 'exit' events, which a thread blocked in Atomics.wait never receives. (Atomics.waitAsync would not keep
 * the event loop alive.)
 */
export async function awaitBarrier(barrier: Int32Array, threads: number, check: () => void): Promise<void> {
  for (let seen = Atomics.load(barrier, 0); seen < threads; seen = Atomics.load(barrier, 0)) {
    check();
    Atomics.wait(barrier, 0, seen, 5);
    await new Promise((resolve) => setImmediate(resolve));
  }
  check();
}

export interface WordCountWorkerResult {
  error?: { message: string; code?: string; file?: string; written?: number; pending?: number };
}

export const HELPER_COUNTING = 0;
export const HELPER_DONE = 1;
export const HELPER_FAILED = 2;
export const HELPER_WRITING = 3;
