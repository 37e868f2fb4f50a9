// Stable sort of strings by UTF-8 byte order, without comparing strings one pair at a time.
// Multikey prefix sort: pack the next few chars of every key (8 bits each for byte strings, 16 bits with a
// surrogate fix-up otherwise) and the record index into one 64-bit word, sort those words natively
// (BigUint64Array.prototype.sort is a C++ std::sort), then recurse only into groups whose prefixes tie,
// a few chars deeper. The index in the low bits makes equal keys keep input order (stable). Small groups
// finish with an insertion sort that compares from the known common depth.
import { compareUtf8, compareUtf8From, fixUnit } from './compare.ts';

const SMALL = 12;

/** The permutation that sorts `keys` stably by UTF-8 byte order: keys[order[0]] <= keys[order[1]] ... */
export function sortOrder(keys: readonly string[]): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  if (n > 0x7fffffff) throw new RangeError('mrpipe: cannot sort more than 2^31 records in one buffer');
  const idxBits = Math.max(1, 32 - Math.clz32(n - 1));
  const idxMask = idxBits === 31 ? 0x7fffffff : (1 << idxBits) - 1;
  const low8 = (32 - idxBits) >> 3; // whole 8-bit chars that fit above the index in the low word
  const low16 = (32 - idxBits) >> 4;
  const words = new BigUint64Array(n);
  const w = new Uint32Array(words.buffer); // w[2i] = low word, w[2i+1] = high word (little-endian)

  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo <= SMALL) {
      insertionSort(keys, order, lo, hi, depth);
      continue;
    }
    let step = 4 + low8;
    let maxLen = 0;
    let wide = false;
    for (let i = lo; i < hi; i++) {
      const r = order[i];
      const s = keys[r];
      const len = s.length;
      if (len > maxLen) maxLen = len;
      let p = depth;
      const c0 = p < len ? s.charCodeAt(p) : 0;
      const c1 = ++p < len ? s.charCodeAt(p) : 0;
      const c2 = ++p < len ? s.charCodeAt(p) : 0;
      const c3 = ++p < len ? s.charCodeAt(p) : 0;
      let lw = 0;
      let sh = 24;
      let any = c0 | c1 | c2 | c3;
      for (let j = 0; j < low8; j++) {
        const c = ++p < len ? s.charCodeAt(p) : 0;
        any |= c;
        lw |= c << sh;
        sh -= 8;
      }
      if (any > 0xff) {
        wide = true;
        break;
      }
      w[2 * i] = lw | r;
      w[2 * i + 1] = (c0 << 24) | (c1 << 16) | (c2 << 8) | c3;
    }
    if (wide) {
      // Some key has a char above U+00FF in this window: redo the group with 16-bit units.
      step = 2 + low16;
      maxLen = 0;
      for (let i = lo; i < hi; i++) {
        const r = order[i];
        const s = keys[r];
        const len = s.length;
        if (len > maxLen) maxLen = len;
        const u0 = unit(s, depth, len);
        const u1 = unit(s, depth + 1, len);
        const lw = low16 > 0 ? unit(s, depth + 2, len) << 16 : 0;
        w[2 * i] = lw | r;
        w[2 * i + 1] = (u0 << 16) | u1;
      }
    }
    if (maxLen <= depth) {
      // Every key ended: the group ties on its whole length (only differing by trailing NULs, if at all).
      insertionSortFull(keys, order, lo, hi);
      continue;
    }
    words.subarray(lo, hi).sort();
    for (let i = lo; i < hi; i++) order[i] = w[2 * i] & idxMask;
    // Recurse into runs of equal prefixes.
    let g = lo;
    for (let i = lo + 1; i <= hi; i++) {
      if (i === hi || w[2 * i + 1] !== w[2 * g + 1] || w[2 * i] >>> idxBits !== w[2 * g] >>> idxBits) {
        if (i - g > 1) stack.push(g, i, depth + step);
        g = i;
      }
    }
  }
  return order;
}

function unit(s: string, p: number, len: number): number {
  if (p >= len) return 0;
  const c = s.charCodeAt(p);
  return c >= 0xd800 ? fixUnit(c) : c;
}

/** Insertion sort of order[lo, hi) by the keys' suffixes from `depth` (their prefixes are equal). */
function insertionSort(keys: readonly string[], order: Uint32Array, lo: number, hi: number, depth: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    const s = keys[r];
    let j = i - 1;
    while (j >= lo && compareUtf8From(keys[order[j]], s, depth) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = r;
  }
}

function insertionSortFull(keys: readonly string[], order: Uint32Array, lo: number, hi: number): void {
  const part = Array.from(order.subarray(lo, hi)).sort((x, y) => compareUtf8(keys[x], keys[y]) || x - y);
  order.set(part, lo);
}

/** Stably sort records by the UTF-8 byte order of keyOf(record) (or the records themselves if strings). */
export function sortByKey<T>(records: readonly T[], keyOf?: (r: T) => string, descending = false): T[] {
  const n = records.length;
  const keys = keyOf ? records.map(keyOf) : (records as unknown as string[]);
  const order = sortOrder(keys);
  const out = new Array<T>(n);
  if (!descending) {
    for (let i = 0; i < n; i++) out[i] = records[order[i]];
    return out;
  }
  // Descending and still stable: walk groups of equal keys from the end, each group in input order.
  let o = 0;
  let end = n;
  while (end > 0) {
    let start = end - 1;
    const k = keys[order[start]];
    while (start > 0 && keys[order[start - 1]] === k) start--;
    for (let i = start; i < end; i++) out[o++] = records[order[i]];
    end = start;
  }
  return out;
}
