// The word-count hot loop: one pass over each chunk's bytes, hashing each word as it is scanned. Words are
// maximal runs of bytes other than space, \t, \n, \v, \f, \r (what `tr` cuts on). A word cut by a chunk
// boundary is carried into the next chunk. Threads that count together (ParallelWordCounter) each scan
// their own pieces of the text.
import { ByteCarry, freeNow } from '../../lines/byte-carry.ts';
import type { WordTable } from './wordtable.ts';
import { FNV_OFFSET as OFFSET, FNV_PRIME, fnv1aBytes } from '../keyed/hash.ts';

/** 1 for the bytes that separate words: space, \t, \n, \v, \f, \r. */
export const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) SPACE[c] = 1;

/** FNV-1a's offset basis (keyed/hash.ts) as an int32: the hot loop stays in int32 arithmetic. */
const FNV_START = OFFSET | 0;

/** Carried words up to this size are copied into a scratch buffer kept for the purpose. */
const SCRATCH_BYTES = 64 * 1024;

/**
 * Counts the word `carry` holds with `add` and empties it (freeing a huge word's buffer). The word is first
 * copied into a plain Buffer (`scratch` when it fits): a carry grows as a resizable buffer, whose typed
 * arrays have another map, and one reaching the hot loops (WordTable.add, the merge) would make every call
 * polymorphic. A huge word is held twice at most: carry and copy, then copy and the table's own arena.
 */
export function addCarried(carry: ByteCarry, scratch: Buffer, add: (buf: Buffer, start: number, end: number, hash: number) => void): void {
  const len = carry.length;
  const w = len <= scratch.length ? scratch : Buffer.allocUnsafeSlow(len);
  carry.buf.copy(w, 0, 0, len);
  carry.clear();
  add(w, 0, len, fnv1aBytes(w, 0, len));
  if (w !== scratch) freeNow(w);
}

/** A scratch buffer for addCarried. */
export function carryScratch(): Buffer {
  return Buffer.allocUnsafeSlow(SCRATCH_BYTES);
}

/** Feeds chunks to a WordTable, calling `onFull` (which must empty the table) when it is full. */
export class WordScanner {
  readonly table: WordTable;
  readonly #onFull: () => void;
  /** The start of a word the previous chunk ended inside. */
  readonly #carry = new ByteCarry();
  /** Words counted so far. */
  words = 0;
  #scratch: Buffer | undefined;

  constructor(table: WordTable, onFull: () => void) {
    this.table = table;
    this.#onFull = onFull;
  }

  /** Counts one word, buf[start, end) with FNV-1a hash `hash` (for a caller that finds the words itself). */
  addWord(buf: Uint8Array, start: number, end: number, hash: number): void {
    this.words++;
    if (this.table.add(buf, start, end, hash, 1)) return;
    this.#onFull();
    this.table.add(buf, start, end, hash, 1);
  }

  write(chunk: Buffer): void {
    const table = this.table;
    const n = chunk.length;
    let i = 0;
    if (this.#carry.length > 0) {
      // Finish the word the previous chunk ended inside.
      while (i < n && SPACE[chunk[i]] === 0) i++;
      this.#carry.append(chunk, 0, i);
      if (i === n) return;
      this.#addCarry();
    }
    let words = 0;
    while (i < n) {
      // Skip separators, then hash the word while finding its end.
      while (i < n && SPACE[chunk[i]] === 1) i++;
      if (i === n) break;
      const start = i;
      let h = FNV_START;
      let c = chunk[i];
      do {
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      } while (i < n && SPACE[(c = chunk[i])] === 0);
      if (i === n) { this.#carry.append(chunk, start, n); break; }
      if (!table.add(chunk, start, i, h, 1)) {
        this.#onFull();
        table.add(chunk, start, i, h, 1);
      }
      words++;
    }
    this.words += words;
  }

  /** Counts the carried word (the table copies it) and empties the carry (freeing a huge word's buffer). */
  #addCarry(): void {
    addCarried(this.#carry, this.#scratch ??= carryScratch(), (w, s, e, h) => this.addWord(w, s, e, h));
  }

  /** The input has ended: counts a word the last chunk ended inside. */
  end(): void {
    if (this.#carry.length > 0) this.#addCarry();
  }
}
