// A hash table from byte strings to counts that never builds a JS string: words are hashed while they
// are scanned (wordscan.ts), compared byte by byte against an arena, and copied into it once. Its
// footprint — arena, entry arrays, hash slots and the radix sort's scratch — is counted in bytes and
// never grows past `limit`: add() answers false instead, and the caller spills the table as a sorted run.
import { sortRanges, sortScratch, type SortScratch } from './bytesort.ts';

/** Bytes each entry capacity costs besides its word: start, length, hash, count, and sortRanges' scratch. */
const ENTRY_BYTES = 4 + 4 + 4 + 8 + 10;

/** The smallest power of two ≥ 2n: hash slots at a load of at most 1/2. */
function slotsFor(n: number): number {
  let s = 2;
  while (s < 2 * n) s *= 2;
  return s;
}

function footprintOf(entries: number, arena: number): number {
  return entries * ENTRY_BYTES + slotsFor(entries) * 4 + arena;
}

export class WordTable {
  /** Byte budget for everything the table allocates. */
  readonly limit: number;
  arena: Buffer;
  /** Arena bytes in use. */
  used = 0;
  /** Entries in use. */
  size = 0;
  starts: Uint32Array;
  lengths: Uint32Array;
  hashes: Int32Array;
  counts: Float64Array;
  /** Open addressing, linear probing; 0 = empty, else entry index + 1. */
  slots: Int32Array;
  mask: number;
  #scratch: SortScratch | undefined;

  constructor(limit: number) {
    this.limit = limit;
    let entries = 1 << 12;
    while (entries > 4 && footprintOf(entries, entries * 8) > limit) entries >>= 1;
    this.arena = Buffer.allocUnsafeSlow(entries * 8);
    this.starts = new Uint32Array(entries);
    this.lengths = new Uint32Array(entries);
    this.hashes = new Int32Array(entries);
    this.counts = new Float64Array(entries);
    this.slots = new Int32Array(slotsFor(entries));
    this.mask = this.slots.length - 1;
  }

  /** Bytes allocated now (the sort scratch counted as if allocated). */
  get footprint(): number {
    return footprintOf(this.starts.length, this.arena.length);
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
    if (this.size === this.starts.length) {
      if (!this.#growEntries()) return false;
      return this.add(buf, start, end, hash, n);
    }
    if (this.used + len > this.arena.length && !this.#growArena(len)) return false;
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

  /** Entry indexes in byte order of their words: a radix sort of arena ranges (valid until the next call). */
  sortedOrder(): Uint32Array {
    this.#scratch = sortScratch(this.starts.length, this.#scratch);
    return sortRanges(this.arena, this.starts, this.lengths, this.size, this.#scratch);
  }

  /** Empties the table, keeping its arrays (no churn of large allocations between spills). */
  clear(): void {
    this.used = 0;
    this.size = 0;
    this.slots.fill(0);
  }

  #growEntries(): boolean {
    const old = this.starts.length;
    let cap = old * 2;
    while (cap > old && footprintOf(cap, this.arena.length) > this.limit) cap = Math.floor((cap + old) / 2);
    if (cap <= old) {
      if (this.size > 0) return false;
      cap = old + 1;
    }
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, b: T): T => { b.set(a); return b; };
    this.starts = grow(this.starts, new Uint32Array(cap));
    this.lengths = grow(this.lengths, new Uint32Array(cap));
    this.hashes = grow(this.hashes, new Int32Array(cap));
    this.counts = grow(this.counts, new Float64Array(cap));
    if (slotsFor(cap) !== this.slots.length) {
      this.slots = new Int32Array(slotsFor(cap));
      this.mask = this.slots.length - 1;
      for (let e = 0; e < this.size; e++) {
        let i = this.hashes[e] & this.mask;
        while (this.slots[i] !== 0) i = (i + 1) & this.mask;
        this.slots[i] = e + 1;
      }
    }
    return true;
  }

  #growArena(need: number): boolean {
    const entries = this.starts.length;
    let cap = this.arena.length * 2;
    while (cap < this.used + need) cap *= 2;
    const room = this.limit - footprintOf(entries, 0);
    if (cap > room) cap = room;
    if (cap < this.used + need) {
      if (this.size > 0) return false;
      cap = this.used + need;
    }
    const next = Buffer.allocUnsafeSlow(cap);
    this.arena.copy(next, 0, 0, this.used);
    this.arena = next;
    return true;
  }
}
