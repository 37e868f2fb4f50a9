// The one sum of equal raw keys: over a key-sorted cursor of raw pairs whose values are partial counts
// (tagged numbers), the total of each run of equal key bytes. Used by the map task's merge of its spills
// (runs.ts mergeInto) and by the counting reduce (reduce-task.ts reduceCounts).
import { allocRunBuffer, copyBytes, readTaggedInt, TAG_FLOAT, TAG_INT, type RunBuffer } from '../../operators/shuffle/runs/codec.ts';
import type { RawCursor } from './runs.ts';

/**
 * Calls `group(key, keyLength, total, records)` once per run of equal keys (key bytes are key[0, keyLength),
 * valid until the next call; `records`: read so far) and returns the records read. A value that is not a tagged int or float is read by
 * `other(buf, valueStart, end, keyStart, keyLength)` (the caller's rule: a built-in's partial, or Number).
 */
export function sumEqualKeys(
  cur: RawCursor,
  other: (buf: RunBuffer, v: number, end: number, k: number, n: number) => number,
  group: (key: RunBuffer, keyLength: number, total: number, records: number) => void,
): number {
  let held = allocRunBuffer(256);
  let heldLength = -1;
  let total = 0;
  let records = 0;
  while (cur.advance()) {
    const r = cur.current;
    const buf = r.buf;
    const k = r.keyStart;
    const v = r.keyEnd;
    const n = v - k;
    // The partial count: a tagged number is read in place; anything else by the caller's rule.
    const tag = buf[v];
    const value = tag === TAG_INT ? readTaggedInt(buf, v + 1) : tag === TAG_FLOAT ? buf.readDoubleLE(v + 1) : other(buf, v, r.end, k, n);
    records++;
    let same = n === heldLength;
    for (let i = 0; same && i < n; i++) if (buf[k + i] !== held[i]) same = false;
    if (same) {
      total += value;
      continue;
    }
    if (heldLength >= 0) group(held, heldLength, total, records);
    if (n > held.length) held = allocRunBuffer(Math.max(n, 2 * held.length));
    copyBytes(buf, k, k + n, held, 0);
    heldLength = n;
    total = value;
  }
  if (heldLength >= 0) group(held, heldLength, total, records);
  return records;
}
