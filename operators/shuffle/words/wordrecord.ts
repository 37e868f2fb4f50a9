// The record of a word in a WordTable's arena: [count: int32][length: 1 byte, or 255 + 4 bytes][bytes],
// padded to 4 bytes, record r starting at byte 4r. A word's count and bytes sit side by side: one cache
// line for a word already counted.

/** Length byte of a record whose length (≥ 255) follows as 4 bytes, little-endian. */
export const LONG = 255;

/** Bytes of the record of a word of `len` bytes: count (4), length (1, or 5 from 255 on), bytes, padding to 4. */
export function recordBytes(len: number): number {
  return (len + (len < LONG ? 5 : 9) + 3) & ~3;
}

/** Where the bytes of record `r` start in the arena. */
export function recordStart(arena: Uint8Array, r: number): number {
  return arena[r * 4 + 4] === LONG ? r * 4 + 9 : r * 4 + 5;
}

/** The length of the word of record `r`. */
export function recordLength(arena: Uint8Array, r: number): number {
  const at = r * 4 + 4;
  const len = arena[at];
  return len < LONG ? len : (arena[at + 1] | (arena[at + 2] << 8) | (arena[at + 3] << 16)) + arena[at + 4] * 2 ** 24;
}

/** Writes a record's header (count in `counts`, the arena's int32 view; length) and returns where its bytes go. */
export function writeRecordHeader(arena: Uint8Array, counts: Int32Array, r: number, len: number, count: number): number {
  counts[r] = count;
  const at = r * 4 + 4;
  if (len < LONG) {
    arena[at] = len;
    return at + 1;
  }
  arena[at] = LONG;
  arena[at + 1] = len & 0xff;
  arena[at + 2] = (len >>> 8) & 0xff;
  arena[at + 3] = (len >>> 16) & 0xff;
  arena[at + 4] = len >>> 24;
  return at + 5;
}
