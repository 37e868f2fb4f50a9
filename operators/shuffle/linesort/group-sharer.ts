// Threaded sorting of one buffer by both threads: while this thread sorts a shared arena, the idle sort
// worker takes about half of the lines in the groups left (LineSorter.sortedHeld, via bytesort's ShareGroups).
import type { ShareGroups, SortScratch } from './bytesort.ts';
import { failureError, type SortThread } from './sort-thread.ts';

/** Lines below which this thread's sort of a buffer keeps its groups: handing some to the idle worker costs
 * a message, and a small sort is over before the worker would start on them. */
export const MIN_SHARE = 16384;
/** Lines left in a shared sort's groups below which none are handed over (a message costs ~0.1 ms). */
const MIN_GIVE = 4096;

/** What the sorter does around a hand-over. */
export interface GroupShareHost {
  /** Before the first hand-over: the worker's pending run collected; the held offsets in shared memory. */
  prepare(): { starts: Uint32Array; lens: Uint32Array };
  /** The worker failed: release everything (the error is thrown after). */
  fail(): void;
  /** Counted once per buffer whose sort the worker joined. */
  shared(): void;
}

/**
 * `give` hands the worker, whenever it is idle (its run written), about half of the lines in the groups
 * left, to sort into the same shared order and lcp; `finish` waits for the last of them. Without it the
 * worker idles while this thread sorts, after its own buffer is done: two threads sorting, with one thread
 * filling every buffer, finish unevenly.
 */
export function shareGroups(
  thread: SortThread, arena: SharedArrayBuffer, count: number, scratch: SortScratch, host: GroupShareHost,
): { give: ShareGroups; finish: () => void } {
  let given = false;
  let over = false;
  let shared = false;
  const collect = (): void => {
    if (!given) return;
    given = false;
    const r = thread.wait();
    if (r.failure) {
      host.fail();
      throw failureError(r.failure);
    }
  };
  const give = (stack: number[]): void => {
    if (over || !thread.idle()) return;
    let total = 0;
    for (let i = 0; i < stack.length; i += 3) total += stack[i + 1] - stack[i];
    if (total < MIN_GIVE) {
      over = true; // the groups left only shrink
      return;
    }
    const groups: number[] = [];
    let kept = 0;
    let take = 0;
    for (let i = 0; i < stack.length; i += 3) {
      const g = stack[i + 1] - stack[i];
      if (take + g <= total / 2) {
        groups.push(stack[i], stack[i + 1], stack[i + 2]);
        take += g;
      } else {
        stack[kept++] = stack[i];
        stack[kept++] = stack[i + 1];
        stack[kept++] = stack[i + 2];
      }
    }
    if (take === 0) return; // one group holds most lines: its pass will split it
    stack.length = kept;
    collect();
    const { starts, lens } = host.prepare(); // the run it wrote, if any, collected first
    if (!shared) host.shared();
    shared = true;
    thread.post({ groups: Uint32Array.from(groups), arena, starts, lens, order: scratch.order, lcp: scratch.lcp, count });
    given = true;
  };
  return { give, finish: collect };
}
