// Sort byte ranges (lines held in one arena buffer) into byte order without making strings: a multikey
// sort over an index permutation that takes several bytes per level. A large group is split by an MSD
// radix pass on its next 2 bytes (65,793 buckets: line ended, ended after one byte, or two bytes); a
// smaller one packs, per line, its next 4-6 bytes, how many of them exist, and its place in the group into
// one 64-bit word, and sorts those words natively (BigUint64Array.prototype.sort, a C++ sort). Lines that
// tie on every packed byte and go on recurse that many bytes deeper; ties that ended are equal lines, done.
// Real text shares long prefixes (indentation, `#include <`, ` * `): taking 5 bytes per level instead of
// one cuts the levels, and each level reads a line's bytes once. Groups of ≤ SMALL finish with an
// insertion sort comparing bytes from the known common depth. Not stable: equal ranges are equal bytes,
// so for whole-line order their relative order cannot be observed.

const SMALL = 16;
/** Groups larger than this take a 2-byte radix pass; smaller ones the packed native sort. */
const BIG = 32768;
/** Radix buckets: line ended (0); b0 then ended (b0 * 257 + 1); b0 b1 (b0 * 257 + b1 + 2). */
const BUCKETS = 1 + 256 * 257;

/** Reusable work arrays for sortRanges (so repeated spills allocate nothing). */
export interface SortScratch {
  order: Uint32Array;
  tmp: Uint32Array;
  /** Packed keys of a group (or its radix keys, as 32-bit halves). */
  words: BigUint64Array;
  count: Int32Array;
  /** After sortRanges: lcp[i] = bytes the i-th range in order shares with the (i-1)-th (found on the way). */
  lcp: Uint32Array;
}

/** Bytes of scratch per range (order, tmp, words, lcp): see LINE_OVERHEAD. */
export const SCRATCH_PER_RANGE = 20;

/** Scratch for up to n ranges (the given one if it is big enough). */
export function sortScratch(n: number, old?: SortScratch): SortScratch {
  if (old && old.order.length >= n) return old;
  return {
    order: new Uint32Array(n), tmp: new Uint32Array(n), words: new BigUint64Array(n), lcp: new Uint32Array(n),
    count: old?.count ?? new Int32Array(BUCKETS),
  };
}

/**
 * Scratch around a given order and lcp (e.g. in shared memory, which two threads sort groups of): its own
 * tmp, words and count, taken from `old` when they are big enough.
 */
export function groupScratch(order: Uint32Array, lcp: Uint32Array, old?: SortScratch): SortScratch {
  const n = order.length;
  const own = old !== undefined && old.tmp.length >= n ? old : undefined;
  return {
    order, lcp, tmp: own?.tmp ?? new Uint32Array(n), words: own?.words ?? new BigUint64Array(n),
    count: old?.count ?? new Int32Array(BUCKETS),
  };
}

/**
 * Called now and then by sortGroups with its stack of groups left ([lo, hi, depth] triples): it may take
 * some off the stack (a sort thread sorts them meanwhile, into the same order and lcp).
 */
export type ShareGroups = (stack: number[]) => void;

/** Groups sorted between two calls of a ShareGroups. */
const SHARE_POLL = 16;

/**
 * The permutation that sorts ranges data[starts[i], starts[i] + lens[i]) by bytes, i < n. The result is a
 * view of `scratch.order` when scratch is given (valid until its next use).
 */
export function sortRanges(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, n: number, scratch?: SortScratch, share?: ShareGroups,
): Uint32Array {
  const work = sortScratch(n, scratch);
  const order = work.order.subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 0) work.lcp[0] = 0;
  if (n < 2) return order;
  sortGroups(data, starts, lens, work, [0, n, 0], share);
  return order;
}

/**
 * Sorts the groups on `stack` ([lo, hi, depth] triples: order[lo, hi) known equal in their first depth
 * bytes) in place in work.order, setting work.lcp inside each (lcp[lo] is the caller's). Groups are
 * disjoint, so two threads may sort different groups of one order at once, each with its own tmp, words
 * and count (sized for the whole order: they are indexed like it).
 */
export function sortGroups(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, work: SortScratch, stack: number[], share?: ShareGroups,
): void {
  let tick = 2; // first after the first group: the root's pass makes the groups to share
  while (stack.length > 0) {
    if (share !== undefined && --tick === 0) {
      tick = SHARE_POLL;
      share(stack);
      if (stack.length === 0) break;
    }
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    const g = hi - lo;
    if (g <= SMALL) insertionSort(data, starts, lens, work.order, work.lcp, lo, hi, depth);
    else if (g > BIG) radixPass(data, starts, lens, work, lo, hi, depth, stack);
    else packedPass(data, starts, lens, work, lo, hi, depth, stack);
  }
}

/** Split order[lo, hi) by the 2 bytes at `depth`; push the buckets that go on. */
function radixPass(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, work: SortScratch, lo: number, hi: number, depth: number,
  stack: number[],
): void {
  const { order, tmp, count } = work;
  const key = new Uint32Array(work.words.buffer, work.words.byteOffset, work.words.length);
  count.fill(0);
  for (let i = lo; i < hi; i++) {
    const r = order[i];
    const rem = lens[r] - depth;
    const s = starts[r] + depth;
    const k = rem >= 2 ? data[s] * 257 + data[s + 1] + 2 : rem === 1 ? data[s] * 257 + 1 : 0;
    key[i] = k;
    count[k]++;
  }
  const lcp = work.lcp;
  if (count[key[lo]] === hi - lo) {
    // one bucket: nothing moves
    const k = key[lo];
    if (k === 0 || (k - 1) % 257 === 0) lcp.fill(k === 0 ? depth : depth + 1, lo + 1, hi);
    else if (repeated(data, starts, lens, order, lo, hi, depth + 2)) lcp.fill(lens[order[lo]], lo + 1, hi);
    else stack.push(lo, hi, depth + 2);
    return;
  }
  let sum = lo;
  for (let b = 0; b < BUCKETS; b++) {
    const c = count[b];
    count[b] = sum;
    sum += c;
  }
  for (let i = lo; i < hi; i++) tmp[count[key[i]]++] = order[i];
  order.set(tmp.subarray(lo, hi), lo);
  // count[b] is now the end of bucket b; the buckets of lines that ended are equal lines, done. A
  // bucket's first line shares depth bytes with the line before it, one more under the same first byte.
  let s = lo;
  let pb = -1;
  for (let b = 0; b < BUCKETS; b++) {
    const e = count[b];
    if (e === s) continue;
    if (s > lo) lcp[s] = pb > 0 && b > 0 && ((pb - 1) / 257 | 0) === ((b - 1) / 257 | 0) ? depth + 1 : depth;
    if (b === 0 || (b - 1) % 257 === 0) lcp.fill(b === 0 ? depth : depth + 1, s + 1, e);
    else if (e - s > 1) {
      if (repeated(data, starts, lens, order, s, e, depth + 2)) lcp.fill(lens[order[s]], s + 1, e);
      else stack.push(s, e, depth + 2);
    }
    pb = b;
    s = e;
  }
}

/**
 * Sort order[lo, hi) by K packed bytes from `depth` (K = 6, 5 or 4 as the group's index needs 13, 21 or
 * 29 bits). Word, high to low: K bytes (missing ones 0), min(bytes left, K + 1) in 3 bits, the line's
 * place in the group. Equal bytes with fewer left sort first (a prefix orders first); equal words up to
 * the place are equal lines unless both go on (K + 1).
 */
function packedPass(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, work: SortScratch, lo: number, hi: number, depth: number,
  stack: number[],
): void {
  const { order, tmp, words } = work;
  const w = new Uint32Array(words.buffer, words.byteOffset, 2 * words.length);
  const g = hi - lo;
  const idxBits = 32 - Math.clz32(g - 1);
  const K = idxBits <= 13 ? 6 : idxBits <= 21 ? 5 : 4;
  const tagShift = K === 6 ? 13 : K === 5 ? 21 : 29;
  const mask = 2 ** tagShift - 1;
  const on = K + 1;
  for (let i = lo; i < hi; i++) {
    const r = order[i];
    tmp[i] = r;
    const s = starts[r] + depth;
    const rem = lens[r] - depth;
    let hw: number;
    let lw: number;
    if (rem >= K) {
      hw = (data[s] << 24) | (data[s + 1] << 16) | (data[s + 2] << 8) | data[s + 3];
      lw = K === 4 ? 0 : K === 5 ? data[s + 4] << 24 : (data[s + 4] << 24) | (data[s + 5] << 16);
      lw |= (rem > K ? on : K) << tagShift;
    } else {
      hw = (rem > 0 ? data[s] << 24 : 0) | (rem > 1 ? data[s + 1] << 16 : 0) | (rem > 2 ? data[s + 2] << 8 : 0) | (rem > 3 ? data[s + 3] : 0);
      lw = (rem > 4 ? data[s + 4] << 24 : 0) | ((rem > 0 ? rem : 0) << tagShift);
    }
    w[2 * i] = (lw | (i - lo)) >>> 0;
    w[2 * i + 1] = hw >>> 0;
  }
  words.subarray(lo, hi).sort();
  const lcp = work.lcp;
  const keyBits = 8 * (K - 4);
  let gs = lo;
  let ph = w[2 * lo + 1];
  let pl = w[2 * lo] >>> tagShift;
  order[lo] = tmp[lo + (w[2 * lo] & mask)];
  for (let i = lo + 1; i <= hi; i++) {
    let h = 0;
    let l = -1;
    if (i < hi) {
      h = w[2 * i + 1];
      l = w[2 * i] >>> tagShift;
      order[i] = tmp[lo + (w[2 * i] & mask)];
      if (h === ph && l === pl) {
        if ((l & 7) !== on) lcp[i] = depth + (l & 7); // an equal line
        continue;
      }
      // the first line of the next tie group: its common prefix with the line before, from the words
      const x = h ^ ph;
      const y = (l ^ pl) >>> 3;
      let c = x !== 0 ? Math.clz32(x) >> 3 : y !== 0 ? 4 + ((Math.clz32(y) - 32 + keyBits) >> 3) : K;
      if ((l & 7) < c) c = l & 7;
      if ((pl & 7) < c) c = pl & 7;
      lcp[i] = depth + c;
    }
    if (i - gs > 1 && (pl & 7) === on) {
      if (repeated(data, starts, lens, order, gs, i, depth + K)) lcp.fill(lens[order[gs]], gs + 1, i);
      else stack.push(gs, i, depth + K);
    }
    gs = i;
    ph = h;
    pl = l;
  }
}

/** Compare two ranges of `data` from `depth` on (their first `depth` bytes are known equal). */
export function compareFrom(data: Uint8Array, sa: number, la: number, sb: number, lb: number, depth: number): number {
  const n = la < lb ? la : lb;
  let i = depth;
  while (i < n && data[sa + i] === data[sb + i]) i++;
  return i < n ? data[sa + i] - data[sb + i] : la - lb;
}

/** Insertion sort of order[lo, hi) from `depth`, then the lcp of each neighbour pair. */
function insertionSort(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, lcp: Uint32Array, lo: number, hi: number,
  depth: number,
): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    const sr = starts[r];
    const lr = lens[r];
    let j = i - 1;
    while (j >= lo) {
      const q = order[j];
      if (compareFrom(data, starts[q], lens[q], sr, lr, depth) <= 0) break;
      order[j + 1] = q;
      j--;
    }
    order[j + 1] = r;
  }
  for (let i = lo + 1; i < hi; i++) {
    const a = order[i - 1];
    const b = order[i];
    const sa = starts[a];
    const sb = starts[b];
    const n = Math.min(lens[a], lens[b]);
    let k = depth;
    while (k < n && data[sa + k] === data[sb + k]) k++;
    lcp[i] = k;
  }
}

/**
 * True when order[lo, hi) is one line repeated (its first `from` bytes known equal): real text repeats
 * lines (blank, `}`, comment rulers), and each level deeper would read all of them again. Lengths first,
 * which tells most groups apart at once.
 */
function repeated(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, lo: number, hi: number, from: number,
): boolean {
  const l0 = lens[order[lo]];
  for (let i = lo + 1; i < hi; i++) if (lens[order[i]] !== l0) return false;
  if (l0 <= from) return true;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const s0 = starts[order[lo]];
  for (let i = lo + 1; i < hi; i++) {
    const s = starts[order[i]];
    if (buf.compare(buf, s0 + from, s0 + l0, s + from, s + l0) !== 0) return false;
  }
  return true;
}
