// Sort a WordTable's words (records of one arena, wordtable.ts) into byte order: pack the next 4 bytes of
// every word, how many bytes it has left (0-4, or 5: more) and its record into one 64-bit number, sort
// those natively (BigUint64Array.prototype.sort is a C++ std::sort), then go deeper only into groups that
// tie and have bytes left. The first level reads the arena in insertion order (sequential), where a
// byte-per-level MSD radix sort (bytesort.ts) gathers a byte per word per level in sorted order (a cache
// miss each): 4x slower on 1M-word tables. The keys overlay the table's hash slots, which a spill no
// longer needs; the order they give overlays the keys.
import { compareFrom } from '../linesort/bytesort.ts';
import { recordLength, recordStart } from './wordrecord.ts';

const SMALL = 16;
/** Records (4-byte units of a ≤ 2 GiB arena) fit in the low 29 bits of a key; bytes left go above. */
const REC_BITS = 29;
const REC_MASK = (1 << REC_BITS) - 1;
/** Bytes left of a word past the packed ones: some, so ties must look deeper. */
const MORE = 5;

/**
 * Record indexes of arena[0, used) (n records, wordtable.ts layout) in byte order of their words: a view of
 * `keys`' memory (n 8-byte keys), which it overwrites.
 */
export function sortRecords(arena: Uint8Array, used: number, n: number, keys: BigUint64Array): Uint32Array {
  const w = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  packAll(w, arena, used);
  // Each loop is a function of its own: called once per group, each is optimized as a whole, where a loop
  // inlined here would run as on-stack-replaced code that deoptimizes each time it exits.
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (depth > 0) {
      if (hi - lo <= SMALL) {
        insertionSort(arena, w, lo, hi, depth);
        continue;
      }
      repack(w, arena, lo, hi, depth);
    }
    keys.subarray(lo, hi).sort();
    pushTies(w, lo, hi, depth, stack);
  }
  return orderOf(w, keys, n);
}

/** Keys of every record of arena[0, used), in arena order, from their first bytes. */
function packAll(w: Uint32Array, arena: Uint8Array, used: number): void {
  let k = 0;
  for (let r = 0; r < used >> 2; k++) {
    const s = recordStart(arena, r);
    const len = recordLength(arena, r);
    pack(w, k, arena, r, s, len, 0);
    r = (s + len + 3) >> 2;
  }
}

/** Keys [lo, hi) again, from their words' bytes at `depth`. */
function repack(w: Uint32Array, arena: Uint8Array, lo: number, hi: number, depth: number): void {
  for (let k = lo; k < hi; k++) {
    const r = w[2 * k] & REC_MASK;
    pack(w, k, arena, r, recordStart(arena, r), recordLength(arena, r), depth);
  }
}

/** Pushes each group of sorted keys [lo, hi) that tie and have bytes left, to be sorted 4 bytes deeper. */
function pushTies(w: Uint32Array, lo: number, hi: number, depth: number, stack: number[]): void {
  let g = lo;
  for (let k = lo + 1; k <= hi; k++) {
    if (k === hi || w[2 * k + 1] !== w[2 * g + 1] || (w[2 * k] >>> REC_BITS) !== (w[2 * g] >>> REC_BITS)) {
      if (k - g > 1 && (w[2 * g] >>> REC_BITS) === MORE) stack.push(g, k, depth + 4);
      g = k;
    }
  }
}

/** The records of the sorted keys, in place: order[k] (bytes 4k..) only overwrites keys already read. */
function orderOf(w: Uint32Array, keys: BigUint64Array, n: number): Uint32Array {
  const order = new Uint32Array(keys.buffer, keys.byteOffset, n);
  for (let k = 0; k < n; k++) order[k] = w[2 * k] & REC_MASK;
  return order;
}

/** Key k: the word's bytes [depth, depth + 4) (0-padded) high, then its bytes left (≤ MORE), then its record. */
function pack(w: Uint32Array, k: number, data: Uint8Array, r: number, s: number, len: number, depth: number): void {
  const left = len - depth;
  const p = s + depth;
  let h: number;
  if (left >= 4) h = ((data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3]) >>> 0;
  else {
    h = 0;
    for (let j = 0; j < 4; j++) h = h * 256 + (j < left ? data[p + j] : 0);
  }
  w[2 * k + 1] = h;
  w[2 * k] = (((left > 4 ? MORE : left) << REC_BITS) | r) >>> 0;
}

/** Sorts keys [lo, hi) by their words from `depth` on; leaves each key as just its record. */
function insertionSort(data: Uint8Array, w: Uint32Array, lo: number, hi: number, depth: number): void {
  for (let k = lo; k < hi; k++) w[2 * k] &= REC_MASK;
  for (let k = lo + 1; k < hi; k++) {
    const r = w[2 * k];
    const sr = recordStart(data, r);
    const lr = recordLength(data, r);
    let j = k - 1;
    while (j >= lo) {
      const q = w[2 * j];
      if (compareFrom(data, recordStart(data, q), recordLength(data, q), sr, lr, depth) <= 0) break;
      w[2 * j + 2] = q;
      j--;
    }
    w[2 * j + 2] = r;
  }
}
