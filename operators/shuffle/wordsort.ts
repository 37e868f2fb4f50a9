// Sort a WordTable's words (byte ranges of one arena) into byte order: pack the next few bytes of every
// word and its index into one 64-bit number, sort those natively (BigUint64Array.prototype.sort is a C++
// std::sort), then go deeper only into groups whose packed bytes tie. Building the keys reads the arena
// in insertion order (sequential), where a byte-per-level MSD radix sort (bytesort.ts) gathers a byte per
// word per level in sorted order (a cache miss each): 4x slower on 1M-word tables.
import { compareFrom } from './bytesort.ts';

const SMALL = 16;

/** Work arrays for at least n words (reused: repeated spills allocate nothing). */
export interface WordSortScratch {
  keys: BigUint64Array;
  order: Uint32Array;
}

/**
 * The permutation that sorts ranges data[starts[i], starts[i + 1]), i < n (contiguous words, as in
 * WordTable), by bytes (a view of scratch.order).
 */
export function sortWords(data: Uint8Array, starts: Uint32Array, n: number, scratch: WordSortScratch): Uint32Array {
  const order = scratch.order.subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const idxBits = Math.max(1, 32 - Math.clz32(n - 1));
  const idxMask = (1 << idxBits) - 1;
  const low = (32 - idxBits) >> 3; // whole bytes that fit above the index in the low word
  const step = 4 + low;
  const keys = scratch.keys;
  const w = new Uint32Array(keys.buffer, keys.byteOffset, 2 * keys.length);
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo <= SMALL) {
      insertionSort(data, starts, order, lo, hi, depth);
      continue;
    }
    let maxLen = 0;
    for (let i = lo; i < hi; i++) {
      const r = order[i];
      const s0 = starts[r];
      const len = starts[r + 1] - s0;
      if (len > maxLen) maxLen = len;
      const s = s0 + depth;
      const left = len - depth;
      let h: number;
      if (left >= 4) h = ((data[s] << 24) | (data[s + 1] << 16) | (data[s + 2] << 8) | data[s + 3]) >>> 0;
      else {
        h = 0;
        for (let j = 0; j < 4; j++) h = h * 256 + (j < left ? data[s + j] : 0);
      }
      let l = 0;
      for (let j = 0; j < low; j++) l = l * 256 + (4 + j < left ? data[s + 4 + j] : 0);
      w[2 * i] = ((l * 2 ** idxBits) >>> 0) | r;
      w[2 * i + 1] = h;
    }
    if (maxLen <= depth) {
      // Every word ended: they tie only on padding (a word and itself plus NULs): compare them whole.
      insertionSort(data, starts, order, lo, hi, 0);
      continue;
    }
    keys.subarray(lo, hi).sort();
    for (let i = lo; i < hi; i++) order[i] = w[2 * i] & idxMask;
    let g = lo;
    for (let i = lo + 1; i <= hi; i++) {
      if (i === hi || w[2 * i + 1] !== w[2 * g + 1] || (w[2 * i] >>> idxBits) !== (w[2 * g] >>> idxBits)) {
        if (i - g > 1) stack.push(g, i, depth + step);
        g = i;
      }
    }
  }
  return order;
}

function insertionSort(data: Uint8Array, starts: Uint32Array, order: Uint32Array, lo: number, hi: number, depth: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    const sr = starts[r];
    const lr = starts[r + 1] - sr;
    let j = i - 1;
    while (j >= lo && compareFrom(data, starts[order[j]], starts[order[j] + 1] - starts[order[j]], sr, lr, depth) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = r;
  }
}
