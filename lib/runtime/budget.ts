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

/** The most runs one merge reads at once. */
export const MAX_FAN_IN = 128;
/** The least buffer a merge gives each run it reads. */
const MIN_READ_BUFFER = 32 * 1024;

/**
 * The runtime's merge fan-in for a task's share b: as many runs as its merge share (0.15 b) gives at least
 * 32 KiB of buffer each, 2 to 128 (at 64MB over 2 workers, 128). A reduce merges up to that many runs in
 * one pass, and map tasks leave at most fan-in / map tasks runs each (TaskEnv.runsPerTask): merging each
 * task's spills down to one run read and wrote every spilled record once more (300 MB of real text: ~3%
 * of the job).
 */
export function mergeFanIn(b: number): number {
  return Math.max(2, Math.min(MAX_FAN_IN, Math.floor((0.15 * b) / MIN_READ_BUFFER) - 1));
}

/**
 * `offHeapKeys`: the task's map side holds its keys outside the V8 heap (a sum/count job's counting table,
 * collector.ts): the heap then holds only garbage, so the young generation takes B/2 (1-16 MiB) instead of
 * B/8. A map that makes a string per word scavenged ~4x as often at --memory 64MB (B/8 = 4 MiB): ~1 s of
 * each worker's CPU on 300 MB of real text, against ~0.3 s at 16 MiB.
 */
export function taskBudget(b: number, fanIn: number, offHeapKeys = false): TaskBudget {
  return {
    // A worker's own code and state take up to ~12 MB of heap (part of the fixed overhead); half of B on top of it
    // leaves the map side room to hold its share and the garbage collector room to work.
    heapMb: Math.ceil(12 + (0.5 * b) / MiB),
    // Young generation: B/8, 1-16 MiB. Word-count-like maps make ~1 GB of short-lived strings per 200 MB of
    // input; at 4 MiB (the former B/32) that was ~2,100 scavenges per 200 MB, at 16 MiB ~280 (see pool.ts).
    youngMb: clamp(b / MiB / (offHeapKeys ? 2 : 8), 1, 16),
    collector: Math.max(1 << 16, Math.floor(0.2 * b)),
    writeBuffer: clamp(b / 64, 1 << 14, MiB),
    readBuffer: clamp((0.15 * b) / (fanIn + 1), 1 << 14, MiB),
  };
}

/**
 * The longest line (bytes) a task holds with a share of b bytes: half its heap cap. A record is copied a
 * few times on its way through (bytes, decoded string, the map's pieces, the key written to a run), each a
 * single V8 allocation, and one larger than the heap's headroom aborts the whole process (V8's "FATAL …
 * heap out of memory") instead of failing the worker: at --memory 16MB per worker (20 MiB heap) a 30 MB
 * line did, a 16 MB one failed the task cleanly and a 12 MB one worked. Never below 1 MiB (the default
 * --max-line-bytes). The same number caps the chars of an emitted key or string value (a 20 MB two-byte key
 * worked at that budget).
 */
export function recordCap(b: number): number {
  return Math.max(MiB, Math.floor((taskBudget(b, 1).heapMb * MiB) / 2));
}

/**
 * The in-memory path's share of the budget: what it may hold (estimated, garbage included, see
 * in-memory.ts) in one Map on the main thread. Half: the other half is room for the output loop's garbage,
 * and for the streaming path's workers to start while the abandoned Map is being collected.
 */
export function inMemoryHold(memory: number): number {
  return Math.floor(memory / 2);
}

/**
 * Bytes the in-memory path holds per input byte in the worst case measured, for `auto`'s choice: word
 * count over high-cardinality text (`mrpipe generate text --high-cardinality`: 0.14 distinct 5-char words
 * per byte, ~170 bytes of RSS each) is 24. So `auto` takes the in-memory path only up to memory / 48 of
 * input (5.3 MB at the default 256MB). A map that emits more per byte is caught while it runs
 * (in-memory.ts) and the job continues on the streaming path.
 */
export const IN_MEMORY_BYTES_PER_INPUT_BYTE = 24;
