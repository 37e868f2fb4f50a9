// The descriptors through which the calling thread hands words to ParallelWordCounter's helpers
// (wordsplit.ts) and to its own table in groups (WordTable.addWords): a word as (start, length, hash) in a
// buffer of at most 2^SLOT_BITS bytes, two int32s, no object per word.

/**
 * Ints per descriptor. A word: [start | length << SLOT_BITS, hash]. A piece of a long word (and a word of
 * PIECE_LENGTH bytes or more, wordsplit.ts, as one last piece; the helper hashes it): [~start, length * 2 +
 * (1 if last)].
 */
export const DESC_INTS = 2;
/** Slots are at most 2^SLOT_BITS bytes: a start fits in the low bits of a descriptor. */
export const SLOT_BITS = 18;
export const START_MASK = (1 << SLOT_BITS) - 1;

/**
 * Calls words(from, to) for each run of word descriptors descs[from, to) and piece(start, end, last) for
 * each piece, in order (a run goes to WordTable.addWords as it is).
 */
export function readDescriptorRuns(
  descs: Int32Array, d: number, end: number, base: number,
  words: (from: number, to: number) => void, piece: (start: number, end: number, last: boolean) => void,
): void {
  while (d < end) {
    let e = d;
    while (e < end && descs[e] >= 0) e += DESC_INTS;
    if (e > d) words(d, e);
    if (e === end) return;
    const s = base + ~descs[e];
    const y = descs[e + 1];
    piece(s, s + (y >>> 1), (y & 1) === 1);
    d = e + DESC_INTS;
  }
}
