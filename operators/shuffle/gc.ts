// Make the byte budget real. After a spill the old buffer is garbage in V8's old space, but V8 only runs a
// major GC when its own heap limit heuristics say so (often 100+ MB later), so RSS would grow far past the
// budget. A full GC right after each spill (tens of ms per run of tens of MB) keeps the heap near the
// budget. gc() comes from --expose-gc when given, else from the same flag set at run time.
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | null | undefined;

/**
 * Run a young-generation GC (a scavenge: well under a millisecond with a small heap). It frees the
 * Buffers that died young — chunks that passed through a stage — whose memory lives outside the heap,
 * so V8's own heuristics would let them pile up.
 */
export function collectYoungGarbage(): boolean {
  if (!collectGarbage(true)) return false;
  return true;
}

/**
 * Chunks passing through a stage die young but hold their memory outside V8's heap, which a small heap
 * rarely collects: without a scavenge every few MiB, RSS grows by ~100 MB of dead chunks. Returns the
 * function to call with each chunk's size; it scavenges every `every` bytes (~0.1 ms each).
 */
export function scavengeEvery(every = 4 * 1024 * 1024): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= every) {
      since = 0;
      collectYoungGarbage();
    }
  };
}

/** Bytes spilled since the last full GC that {@link collectGarbageAfterSpill} ran. */
let spilledSinceGc = 0;

/** Below this much spilled (now dead) data a full GC frees too little to matter for RSS, while it costs as
 * much as any full GC of the whole heap: a 2 KiB budget spilling every few records would GC thousands of
 * times (seconds in a process with a large heap). So the garbage a spill leaves is at most this, plus one
 * budget. */
const GC_AFTER_SPILLED = 1 << 20;

/**
 * After a spill of `bytes` (the table or buffer just written out): a full GC once 1 MiB or more has been
 * spilled since the last one, which is every spill at any budget of 1 MiB or more. Returns true if it ran.
 */
export function collectGarbageAfterSpill(bytes: number): boolean {
  spilledSinceGc += bytes;
  if (spilledSinceGc < GC_AFTER_SPILLED) return false;
  spilledSinceGc = 0;
  return collectGarbage();
}

/** Run a full GC if one can be had (returns false if not). */
export function collectGarbage(young = false): boolean {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFn = vm.runInNewContext('gc') as () => void;
      } catch {
        gcFn = null;
      }
    }
  }
  if (!gcFn) return false;
  if (young) (gcFn as (o: { type: string }) => void)({ type: 'minor' });
  else gcFn();
  return true;
}
