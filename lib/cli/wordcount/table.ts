// A hash table from byte strings to counts that never builds a JS string on the hot path: words are
// hashed while they are scanned, compared byte by byte against an arena, and copied into it once.
// Its footprint is counted in bytes so the caller can spill it to disk when it outgrows the budget.

import { sortOrder } from '../../../operators/shuffle/prefixsort.ts';

/** Bytes each entry costs besides its word: offset, length, hash, count, and two hash slots. */
export const ENTRY_OVERHEAD = 4 + 4 + 4 + 8 + 8;

export class WordTable {
  arena: Buffer;
  used = 0;
  size = 0;
  offsets: Int32Array;
  lengths: Int32Array;
  hashes: Int32Array;
  counts: Float64Array;
  /** Open addressing, linear probing; 0 = empty, else entry index + 1. */
  slots: Int32Array;
  mask: number;

  constructor(initialEntries = 1 << 14) {
    this.arena = Buffer.allocUnsafe(initialEntries * 8);
    this.offsets = new Int32Array(initialEntries);
    this.lengths = new Int32Array(initialEntries);
    this.hashes = new Int32Array(initialEntries);
    this.counts = new Float64Array(initialEntries);
    this.slots = new Int32Array(initialEntries * 2);
    this.mask = initialEntries * 2 - 1;
  }

  /** Bytes allocated (arrays and arena): at most twice liveBytes, since both grow by doubling. */
  get footprint(): number {
    return this.arena.length + this.offsets.length * ENTRY_OVERHEAD;
  }

  /** Bytes in use: the words and their entries. */
  get liveBytes(): number {
    return this.used + this.size * ENTRY_OVERHEAD;
  }

  /** Adds `n` to the count of buf[start, end), whose FNV-1a hash is `hash`. */
  add(buf: Uint8Array, start: number, end: number, hash: number, n: number): void {
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
        let a = this.offsets[e];
        let j = start;
        while (j < end && arena[a] === buf[j]) { a++; j++; }
        if (j === end) { this.counts[e] += n; return; }
      }
      i = (i + 1) & mask;
    }
    // A new word.
    if (this.size === this.offsets.length) { this.#growEntries(); this.add(buf, start, end, hash, n); return; }
    if (this.used + len > this.arena.length) this.#growArena(len);
    const e = this.size++;
    this.offsets[e] = this.used;
    this.lengths[e] = len;
    this.hashes[e] = hash;
    this.counts[e] = n;
    if (len === 1) this.arena[this.used] = buf[start];
    else this.arena.set(buf.subarray(start, end), this.used);
    this.used += len;
    slots[i] = e + 1;
  }

  /** The word of entry e, decoded byte for char (latin1) so string order is byte order. */
  word(e: number): string {
    return this.arena.toString('latin1', this.offsets[e], this.offsets[e] + this.lengths[e]);
  }

  /** Entry indexes in byte order of their words (the word strings are only held while sorting). */
  sortedOrder(): Uint32Array {
    return this.sortedEntries().order;
  }

  /** Entry indexes in byte order of their words, and the words (the shuffle's prefix sort: no comparator). */
  sortedEntries(): { words: string[]; order: Uint32Array } {
    const words = new Array<string>(this.size);
    for (let e = 0; e < this.size; e++) words[e] = this.word(e);
    return { words, order: sortOrder(words) };
  }

  clear(): void {
    this.used = 0;
    this.size = 0;
    this.slots.fill(0);
  }

  #growEntries(): void {
    const cap = this.offsets.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => { const b = make(cap); b.set(a); return b; };
    this.offsets = grow(this.offsets, (n) => new Int32Array(n));
    this.lengths = grow(this.lengths, (n) => new Int32Array(n));
    this.hashes = grow(this.hashes, (n) => new Int32Array(n));
    this.counts = grow(this.counts, (n) => new Float64Array(n));
    this.slots = new Int32Array(cap * 2);
    this.mask = cap * 2 - 1;
    for (let e = 0; e < this.size; e++) {
      let i = this.hashes[e] & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = e + 1;
    }
  }

  #growArena(need: number): void {
    let cap = this.arena.length * 2;
    while (cap < this.used + need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.arena.copy(next, 0, 0, this.used);
    this.arena = next;
  }
}
