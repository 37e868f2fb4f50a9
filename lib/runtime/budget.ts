// How one task's share of the job's memory budget (B = memory / workers) is spent. The V8 heap of a worker
// is capped so garbage cannot grow past it; what the map side holds is estimated in bytes and kept well
// inside that cap; I/O buffers live outside the V8 heap and get the rest. Measured with the memory test
// (test/runtime/memory.test.ts, docs/RUNTIME.md).
const MiB = 1 << 20;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.floor(v)));

export interface TaskBudget {
  /** V8 old-generation cap of a worker thread, MiB. */
  heapMb: number;
  /** V8 young-generation cap of a worker thread, MiB. */
  youngMb: number;
  /** Estimated bytes the map side holds before it spills. */
  collector: number;
  /** Bytes of each run writer's buffer. */
  writeBuffer: number;
  /** Bytes of each run reader's buffer in a merge (fan-in + 1 of them at once). */
  readBuffer: number;
}

export function taskBudget(b: number, fanIn: number): TaskBudget {
  return {
    // A worker's own code and state take up to ~12 MB of heap (part of the fixed overhead); half of B on top of it
    // leaves the map side room to hold its share and the garbage collector room to work.
    heapMb: Math.ceil(12 + (0.5 * b) / MiB),
    // Young generation: B/8, 1-16 MiB. Word-count-like maps make ~1 GB of short-lived strings per 200 MB of
    // input; at 4 MiB (the former B/32) that was ~2,100 scavenges per 200 MB, at 16 MiB ~280 (see pool.ts).
    youngMb: clamp(b / MiB / 8, 1, 16),
    collector: Math.max(1 << 16, Math.floor(0.2 * b)),
    writeBuffer: clamp(b / 64, 1 << 14, MiB),
    readBuffer: clamp((0.15 * b) / (fanIn + 1), 1 << 14, MiB),
  };
}
