// Sort byte ranges (lines held in one arena buffer) into byte order without making strings: an MSD radix
// sort, one byte per level with a cached byte per record, over an index permutation. Groups that share
// the byte at the current depth go one byte deeper without moving anything; groups of ≤ SMALL finish with
// an insertion sort comparing bytes from the known common depth. Not stable: equal ranges are equal bytes,
// so for whole-line order their relative order cannot be observed.

const SMALL = 24;
/** Every CHECK levels of a group that does not split, test whether the whole group is one repeated line. */
const CHECK = 16;

/** Reusable work arrays for sortRanges (so repeated spills allocate nothing). */
export interface SortScratch {
  order: Uint32Array;
  tmp: Uint32Array;
  key: Uint16Array;
}

/** Scratch for up to n ranges (the given one if it is big enough). */
export function sortScratch(n: number, old?: SortScratch): SortScratch {
  if (old && old.order.length >= n) return old;
  return { order: new Uint32Array(n), tmp: new Uint32Array(n), key: new Uint16Array(n) };
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
  const count = new Int32Array(257);
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo <= SMALL) {
      insertionSort(data, starts, lens, order, lo, hi, depth);
      continue;
    }
    count.fill(0);
    for (let i = lo; i < hi; i++) {
      const r = order[i];
      const k = depth < lens[r] ? data[starts[r] + depth] + 1 : 0;
      key[i] = k;
      count[k]++;
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
function compareFrom(data: Uint8Array, sa: number, la: number, sb: number, lb: number, depth: number): number {
  const n = la < lb ? la : lb;
  let i = depth;
  while (i < n && data[sa + i] === data[sb + i]) i++;
  return i < n ? data[sa + i] - data[sb + i] : la - lb;
}

function insertionSort(
  data: Uint8Array, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, lo: number, hi: number, depth: number,
): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    const sr = starts[r];
    const lr = lens[r];
    let j = i - 1;
    while (j >= lo && compareFrom(data, starts[order[j]], lens[order[j]], sr, lr, depth) > 0) {
      order[j + 1] = order[j];
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
