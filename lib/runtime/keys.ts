// Key order and partitioning. Keys order by the bytes of their UTF-8 encoding (like LC_ALL=C sort): the
// shuffle operators' compareUtf8. partitionOf is FNV-1a 32 over the key's bytes modulo n — the shuffle
// operators' definition (operators/shuffle/hash.ts), repeated here until that file is committed.
export { compareUtf8 as compareKeys } from '../../operators/shuffle/compare.ts';

const PRIME = 0x01000193;

/**
 * The partition of a key: FNV-1a (32-bit) over the key's UTF-8 bytes (for latin1 jobs: its chars as bytes),
 * modulo n. Stable across processes, threads and machines.
 */
export function partitionOf(key: string, n: number, encoding: 'utf8' | 'latin1' = 'utf8'): number {
  if (n <= 1) return 0;
  let h = 0x811c9dc5;
  const len = key.length;
  if (encoding === 'latin1') {
    for (let i = 0; i < len; i++) h = Math.imul(h ^ key.charCodeAt(i), PRIME);
    return (h >>> 0) % n;
  }
  for (let i = 0; i < len; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, PRIME);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = key.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate encodes as U+FFFD
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), PRIME);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), PRIME);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
  }
  return (h >>> 0) % n;
}
