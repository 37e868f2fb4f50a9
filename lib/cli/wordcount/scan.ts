// The word-count hot loop: one pass over each chunk's bytes, hashing each word as it is scanned.
// A word cut by a chunk boundary is carried into the next chunk.
import type { WordTable } from './table.ts';

/** 1 for the bytes that separate words: space, \t, \n, \v, \f, \r. */
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) SPACE[c] = 1;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** FNV-1a over buf[start, end). */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
  return h;
}

/** Feeds chunks to a WordTable; call end() after the last chunk. */
export class WordScanner {
  /** The table counted into; the caller swaps in a fresh one after spilling (a cut word stays carried). */
  table: WordTable;
  #carry: Buffer | null = null;
  words = 0;

  constructor(table: WordTable) {
    this.table = table;
  }

  write(chunk: Buffer): void {
    const table = this.table;
    const n = chunk.length;
    let i = 0;
    if (this.#carry !== null) {
      // Finish the word the previous chunk ended inside.
      while (i < n && SPACE[chunk[i]] === 0) i++;
      const word = Buffer.concat([this.#carry, chunk.subarray(0, i)]);
      if (i === n) { this.#carry = word; return; }
      this.#carry = null;
      table.add(word, 0, word.length, hashBytes(word, 0, word.length), 1);
      this.words++;
    }
    let words = 0;
    while (i < n) {
      // Skip separators, then hash the word while finding its end.
      while (i < n && SPACE[chunk[i]] === 1) i++;
      if (i === n) break;
      const start = i;
      let h = FNV_OFFSET;
      let c = chunk[i];
      do {
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      } while (i < n && SPACE[(c = chunk[i])] === 0);
      if (i === n) { this.#carry = Buffer.from(chunk.subarray(start)); break; }
      table.add(chunk, start, i, h, 1);
      words++;
    }
    this.words += words;
  }

  end(): void {
    if (this.#carry !== null) {
      const w = this.#carry;
      this.table.add(w, 0, w.length, hashBytes(w, 0, w.length), 1);
      this.words++;
      this.#carry = null;
    }
  }
}
