// Sort byte ranges (lines held in one arena buffer) into byte order without making strings: an MSD radix
// sort, one byte per level with a cached byte per record, over an index permutation. Groups that share
// the byte at the current depth go one byte deeper without moving anything; groups of ≤ SMALL finish with
// an insertion sort comparing bytes from the known common depth. The first HEAD bytes of each range are
// read once, in arena order, into a small array (`head`): the levels above HEAD and most insertion-sort
// comparisons read it instead of the arena, whose random reads (cache and TLB misses) cost most. Not stable: equal ranges are equal bytes,
// so for whole-line order their relative order cannot be observed.

const SMALL = 24;
/** Every CHECK levels of a group that does not split, test whether the whole group is one repeated line. */
const CHECK = 16;
/** Bytes of each range cached in `head` (big-endian in a uint32, missing bytes 0). */
const HEAD = 4;

/** Reusable work arrays for sortRanges (so repeated spills allocate nothing). */
export interface SortScratch {
  order: Uint32Array;
  tmp: Uint32Array;
  key: Uint16Array;
  head: Uint32Array;
}

/** Scratch for up to n ranges (the given one if it is big enough). */
export function sortScratch(n: number, old?: SortScratch): SortScratch {
  if (old && old.order.length >= n) return old;
  return { order: new Uint32Array(n), tmp: new Uint32Array(n), key: new Uint16Array(n), head: new Uint32Array(n) };
}

/**
 * The permutation that sorts ranges data[starts[i], starts[i] + lens[i]) by bytes, i < n. The result is a
 * view of `scratch.order` when scratch is given (valid until its next use).
 */
export function sortRanges(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, n: number, scratch?: SortScratch,
): Uint32Array {
  const work = sortScratch(n, scratch);
  const order = work.order.subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const tmp = work.tmp;
  const key = work.key;
  const head = work.head;
  for (let r = 0; r < n; r++) {
    const s = starts[r];
    const l = lens[r];
    head[r] = l >= 4
      ? ((data[s] << 24) | (data[s + 1] << 16) | (data[s + 2] << 8) | data[s + 3]) >>> 0
      : ((l > 0 ? data[s] << 24 : 0) | (l > 1 ? data[s + 1] << 16 : 0) | (l > 2 ? data[s + 2] << 8 : 0)) >>> 0;
  }
  const count = new Int32Array(257);
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo <= SMALL) {
      insertionSort(data, starts, lens, head, order, lo, hi, depth);
      continue;
    }
    count.fill(0);
    if (depth < HEAD) {
      const shift = 24 - 8 * depth;
      for (let i = lo; i < hi; i++) {
        const r = order[i];
        const k = depth < lens[r] ? ((head[r] >>> shift) & 255) + 1 : 0;
        key[i] = k;
        count[k]++;
      }
    } else {
      for (let i = lo; i < hi; i++) {
        const r = order[i];
        const k = depth < lens[r] ? data[starts[r] + depth] + 1 : 0;
        key[i] = k;
        count[k]++;
      }
    }
    const k0 = key[lo];
    if (count[k0] === hi - lo) {
      // One bucket: nothing moves. Bucket 0 = every range ended here = all equal.
      if (k0 !== 0 && !(depth % CHECK === CHECK - 1 && allEqual(data, starts, lens, order, lo, hi))) {
        stack.push(lo, hi, depth + 1);
      }
      continue;
    }
    let sum = lo;
    for (let b = 0; b < 257; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = lo; i < hi; i++) tmp[count[key[i]]++] = order[i];
    order.set(tmp.subarray(lo, hi), lo);
    // count[b] is now the end of bucket b; bucket 0 (ranges that ended) is all equal and done.
    let s = count[0];
    for (let b = 1; b < 257; b++) {
      const e = count[b];
      if (e - s > 1) stack.push(s, e, depth + 1);
      s = e;
    }
  }
  return order;
}

/** Compare two ranges of `data` from `depth` on (their first `depth` bytes are known equal). */
export function compareFrom(data: Uint8Array, sa: number, la: number, sb: number, lb: number, depth: number): number {
  const n = la < lb ? la : lb;
  let i = depth;
  while (i < n && data[sa + i] === data[sb + i]) i++;
  return i < n ? data[sa + i] - data[sb + i] : la - lb;
}

/**
 * Below HEAD, ranges with different heads are ordered by their heads (missing bytes read as 0, so a shorter
 * range orders first unless its head is equal: then bytes from the shorter end on decide).
 */
function insertionSort(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, head: Uint32Array, order: Uint32Array,
  lo: number, hi: number, depth: number,
): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    const sr = starts[r];
    const lr = lens[r];
    const hr = head[r];
    let j = i - 1;
    while (j >= lo) {
      const q = order[j];
      let c: number;
      if (depth < HEAD && head[q] !== hr) c = head[q] - hr;
      else {
        const lq = lens[q];
        const from = depth >= HEAD ? depth : Math.min(HEAD, lq, lr);
        c = compareFrom(data, starts[q], lq, sr, lr, from);
      }
      if (c <= 0) break;
      order[j + 1] = q;
      j--;
    }
    order[j + 1] = r;
  }
}

/** True when every range of the group is byte-identical to the first (long runs of duplicate lines). */
function allEqual(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, lo: number, hi: number,
): boolean {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const r0 = order[lo];
  const s0 = starts[r0];
  const l0 = lens[r0];
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    if (lens[r] !== l0 || buf.compare(buf, s0, s0 + l0, starts[r], starts[r] + l0) !== 0) return false;
  }
  return true;
}
