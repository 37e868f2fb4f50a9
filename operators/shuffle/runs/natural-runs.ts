// Input that arrives as a few ascending runs — the sorted spills of a combine stage cut by partition, a file
// sorted in pieces — is merged in O(n·k) comparisons instead of sorted again. Finding that the input is
// not such (random order shows its fifth descent within a few records) costs next to nothing.
import { compareUtf8 } from '../sort/compare.ts';

/** The most ascending runs merged; input in more runs than this is left to the sort. */
export const MAX_NATURAL_RUNS = 4;

/**
 * records stably ordered by the UTF-8 byte order of keyOf(record), when they form at most
 * MAX_NATURAL_RUNS ascending runs; null otherwise. Equal keys keep input order (ties go to the earlier run).
 */
export function mergeNaturalRuns<T>(records: readonly T[], keyOf: (r: T) => string): T[] | null {
  const n = records.length;
  if (n === 0) return [];
  const keys = new Array<string>(n);
  const starts = [0];
  let prev = keyOf(records[0]);
  keys[0] = prev;
  for (let i = 1; i < n; i++) {
    const k = keyOf(records[i]);
    keys[i] = k;
    if (compareUtf8(prev, k) > 0) {
      if (starts.length === MAX_NATURAL_RUNS) return null;
      starts.push(i);
    }
    prev = k;
  }
  if (starts.length === 1) return records.slice();
  const ends = [...starts.slice(1), n];
  const at = starts.slice();
  const out = new Array<T>(n);
  for (let o = 0; o < n; o++) {
    let best = -1;
    for (let r = 0; r < at.length; r++) {
      if (at[r] < ends[r] && (best < 0 || compareUtf8(keys[at[r]], keys[at[best]]) < 0)) best = r;
    }
    out[o] = records[at[best]++];
  }
  return out;
}
