// partitionOf: FNV-1a 32-bit over the key's UTF-8 bytes, modulo n. Documented and fixed forever: the same
// key lands in the same partition in every process, thread and machine (Hadoop-style hash partitioning).
//   h = 0x811C9DC5; for each byte b: h = (h XOR b) * 0x01000193 mod 2^32;  partition = h mod n
// Keys held as latin1 byte strings hash their chars as the bytes (encoding 'latin1'); real strings are
// UTF-8 encoded on the fly (ASCII takes the one-byte path, no Buffer is allocated).
import type { StringEncoding } from '../runs/codec.ts';

/** FNV-1a's 32-bit offset basis and prime: the project's one FNV (partitions, the word tables). */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
const OFFSET = FNV_OFFSET;
const PRIME = FNV_PRIME;

/** FNV-1a 32-bit of the key's bytes (UTF-8, or the chars themselves for latin1 byte strings). */
export function fnv1a(key: string, encoding: StringEncoding = 'utf8'): number {
  let h = OFFSET;
  const n = key.length;
  if (encoding === 'latin1') {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), PRIME);
    return h >>> 0;
  }
  for (let i = 0; i < n; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, PRIME);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), PRIME);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = key.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          i++;
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          h = Math.imul(h ^ (0xf0 | (c >> 18)), PRIME);
          h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), PRIME);
          h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
          h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
          continue;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate encodes as U+FFFD, as Buffer.from does
      h = Math.imul(h ^ (0xe0 | (c >> 12)), PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
  }
  return h >>> 0;
}

/** fnv1a of a key held as its UTF-8 bytes, bytes[start, end) (a table's arena). */
export function fnv1aBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], PRIME);
  return h >>> 0;
}

/** The partition (0..n-1) of a key: fnv1a(key) mod n. */
export function partitionOf(key: string, n: number, encoding: StringEncoding = 'utf8'): number {
  return fnv1a(key, encoding) % n;
}
