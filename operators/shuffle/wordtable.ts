// A hash table from byte strings to counts that never builds a JS string: words are hashed while they
// are scanned (wordscan.ts), compared byte by byte against an arena, and copied into it once. Its
// footprint — hash slots, entries, the sort's scratch and arena bytes in use — never grows past `limit`:
// add() answers false instead, and the caller spills the table as a sorted run.
import { sortWords, type WordSortScratch } from './wordsort.ts';

/** Bytes each entry costs besides its word: count, start, length, hash, and the sort's key and order. */
const ENTRY_BYTES = 8 + 4 + 4 + 4 + 8 + 4;

export class WordTable {
  /** Byte budget for the memory the table touches. */
  readonly limit: number;
  arena: Buffer;
  /** Arena bytes in use. */
  used = 0;
  /** Entries in use. */
  size = 0;
  readonly starts: Uint32Array;
  readonly lengths: Uint32Array;
  readonly hashes: Int32Array;
  readonly counts: Float64Array;
  /** Open addressing, linear probing, load ≤ 1/2; 0 = empty, else entry index + 1. */
  readonly slots: Int32Array;
  readonly mask: number;
  readonly #scratch: WordSortScratch;

  /**
   * Everything is views of one allocation sized for the worst case (1-byte words), made once: the pages
   * are only made resident as they are first written, so what counts against `limit` is what is touched
   * — the slots, `size` entries and `used` arena bytes. No growth: no garbage copies, no fragmentation.
   */
  constructor(limit: number) {
    this.limit = limit;
    let slots = 2;
    while (slots * 2 * 4 <= limit / 3) slots *= 2;
    const cap = Math.max(1, Math.min(slots / 2, Math.floor((limit - slots * 4) / (ENTRY_BYTES + 1))));
    const arena = Math.max(16, limit - slots * 4);
    const one = new ArrayBuffer(cap * ENTRY_BYTES + slots * 4 + arena);
    let off = 0;
    const take = (bytes: number): number => { const at = off; off += bytes; return at; };
    this.counts = new Float64Array(one, take(cap * 8), cap);
    const keys = new BigUint64Array(one, take(cap * 8), cap);
    this.starts = new Uint32Array(one, take(cap * 4), cap);
    this.lengths = new Uint32Array(one, take(cap * 4), cap);
    this.hashes = new Int32Array(one, take(cap * 4), cap);
    this.#scratch = { keys, order: new Uint32Array(one, take(cap * 4), cap) };
    this.slots = new Int32Array(one, take(slots * 4), slots);
    this.mask = slots - 1;
    this.arena = Buffer.from(one, take(arena), arena);
  }

  /** Bytes the table has touched so far (its resident memory at most). */
  get footprint(): number {
    return this.slots.length * 4 + this.size * ENTRY_BYTES + this.used;
  }

  /**
   * Adds `n` to the count of buf[start, end), whose FNV-1a hash is `hash`. False when the word is new and
   * would take the table past its limit (nothing changed: spill, then add again). An empty table always
   * takes a word, however long.
   */
  add(buf: Uint8Array, start: number, end: number, hash: number, n: number): boolean {
    const len = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let i = hash & mask;
    while (true) {
      const s = slots[i];
      if (s === 0) break;
      const e = s - 1;
      if (this.hashes[e] === hash && this.lengths[e] === len) {
        const arena = this.arena;
        let a = this.starts[e];
        let j = start;
        while (j < end && arena[a] === buf[j]) { a++; j++; }
        if (j === end) { this.counts[e] += n; return true; }
      }
      i = (i + 1) & mask;
    }
    // A new word.
    if (this.size > 0 && (this.size === this.starts.length || this.footprint + ENTRY_BYTES + len > this.limit ||
      this.used + len > this.arena.length)) return false;
    if (this.used + len > this.arena.length) this.arena = Buffer.allocUnsafeSlow(len); // one word longer than the arena
    const e = this.size++;
    this.starts[e] = this.used;
    this.lengths[e] = len;
    this.hashes[e] = hash;
    this.counts[e] = n;
    if (len === 1) this.arena[this.used] = buf[start];
    else this.arena.set(buf.subarray(start, end), this.used);
    this.used += len;
    slots[i] = e + 1;
    return true;
  }

  /** Entry indexes in byte order of their words (a view of scratch, valid until the next call). */
  sortedOrder(): Uint32Array {
    return sortWords(this.arena, this.starts, this.lengths, this.size, this.#scratch);
  }

  /** Empties the table, keeping its memory. */
  clear(): void {
    this.used = 0;
    this.size = 0;
    this.slots.fill(0);
  }
}
