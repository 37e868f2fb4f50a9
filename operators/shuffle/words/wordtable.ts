// A hash table from byte strings to counts that never builds a JS string: words are hashed while they
// are scanned (wordscan.ts), compared byte by byte against an arena, and copied into it once. A word is
// one record in the arena — its count, its length and its bytes, side by side — and a slot holds its hash
// and where the record is: a word already counted costs one slot read and one record read (one or two
// cache misses), nothing else. Its footprint — slots, records, the sort's scratch (over the slots) — never
// grows past `limit`: add() answers false instead, and the caller spills the table as a sorted run.
import { freeNow } from '../../lines/byte-carry.ts';
import { sortRecords } from './wordsort.ts';
import { LONG, recordBytes, recordLength, writeRecordHeader } from './wordrecord.ts';

/** Hash slots per word at most: 8 bytes a slot, so 8 / MAX_LOAD bytes a word (the sort's keys fit in them). */
const MAX_LOAD = 0.75;
const MAX_COUNT = 0x7fffffff;
/** Word length assumed for the first split of the budget between slots and arena. */
const GUESS_LEN = 8;
/** The most one table uses: records are addressed in 4-byte units by int32 (`#slots`), and the split's
 * offsets are int32 arithmetic. A larger budget (`--workers 1 --memory 9GB`) is clamped here rather than
 * overflowing. */
export const MAX_TABLE_BYTES = 2 ** 31 - 4096;

export class WordTable {
  /** Byte budget for the memory the table touches. */
  readonly limit: number;
  readonly #one: ArrayBuffer;
  /** Records in insertion order: [count: int32][length][bytes], each 4-aligned; record r is at byte 4r. */
  arena!: Buffer;
  /** The arena as int32: counts[r] is the count of record r. */
  counts!: Int32Array;
  /** Arena bytes in use. */
  used = 0;
  /** Words in the table. */
  size = 0;
  /**
   * Pairs (key, record + 1), 0 = empty: key = hash's high 24 bits | length's low 8 (255: long). 8 bytes a slot
   * keep them in the last-level cache, so a new word (most words, at high cardinality) costs no DRAM miss.
   */
  #slots!: Int32Array;
  #top = 0;
  #scale = 0;
  #cap = 0;
  #keys!: BigUint64Array;

  /**
   * One allocation of `limit` bytes, made once; each clear() re-splits it between slots and arena for the
   * word length seen. Pages become resident as they are first written: the table touches ≤ `limit` bytes.
   */
  constructor(limit: number) {
    this.limit = Math.max(256, Math.floor(Math.min(limit, MAX_TABLE_BYTES)));
    this.#one = new ArrayBuffer(this.limit);
    this.#split(GUESS_LEN);
  }

  #split(wordLen: number): void {
    // A word costs its slots and its record (10% slack on the length: lengths vary).
    const perWord = 8 / MAX_LOAD + recordBytes(Math.ceil(1.1 * wordLen));
    const cap = Math.max(1, Math.floor((this.limit - 64) / perWord));
    const slots = Math.max(2, Math.ceil(cap / MAX_LOAD));
    this.#slots = new Int32Array(this.#one, 0, slots * 2);
    this.#keys = new BigUint64Array(this.#one, 0, cap);
    const off = slots * 8;
    this.arena = Buffer.from(this.#one, off);
    this.counts = new Int32Array(this.#one, off, (this.limit - off) >> 2);
    this.#top = slots * 2;
    this.#scale = slots / 2 ** 32;
    this.#cap = cap;
  }

  /** How full the table is, 0-1: its words against the most it takes, or its arena's use if that is more. */
  get fullness(): number {
    return Math.max(this.size / this.#cap, this.used / this.arena.length);
  }

  /** Bytes the table has touched so far (its resident memory at most). */
  get footprint(): number {
    return this.#top * 4 + this.used;
  }

  /**
   * Adds `n` (≥ 1) to the count of buf[start, end), whose FNV-1a hash is `hash`. False when the word is new
   * and would take the table past its limit, or its count would overflow (nothing changed: spill, then add
   * again). An empty table always takes a word, however long.
   */
  add(buf: Uint8Array, start: number, end: number, hash: number, n: number): boolean {
    const len = end - start;
    const key = (hash & ~0xff) | (len < LONG ? len : LONG);
    const slots = this.#slots;
    const top = this.#top;
    let x = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    x ^= x >>> 16;
    let i = ((x >>> 0) * this.#scale | 0) * 2;
    while (true) {
      const r1 = slots[i + 1];
      if (r1 === 0) break;
      if (slots[i] === key) {
        const r = r1 - 1;
        const arena = this.arena;
        let a = r * 4 + 5;
        if (len >= LONG) a = recordLength(arena, r) === len ? a + 4 : -1;
        if (a >= 0) {
          let j = start;
          while (j < end && arena[a] === buf[j]) { a++; j++; }
          if (j === end) {
            const c = this.counts[r] + n;
            if (c > MAX_COUNT) return false;
            this.counts[r] = c;
            return true;
          }
        }
      }
      i += 2;
      if (i === top) i = 0;
    }
    // A new word.
    const size = recordBytes(len);
    if (this.size > 0 && (this.size >= this.#cap || this.used + size > this.arena.length)) return false;
    if (this.used + size > this.arena.length) this.#ownArena(size); // one word longer than the arena
    const r = this.used >> 2;
    this.size++;
    slots[i] = key;
    slots[i + 1] = r + 1;
    const arena = this.arena;
    let u = writeRecordHeader(arena, this.counts, r, len, n);
    if (len <= 16) for (let j = start; j < end; j++) arena[u++] = buf[j]; // no subarray object per word
    else arena.set(buf.subarray(start, end), u);
    this.used += size;
    return true;
  }

  /** A word longer than the arena, in an empty table: it gets an arena of its own (freed by clear()). */
  #ownArena(size: number): void {
    const own = new ArrayBuffer(size);
    this.arena = Buffer.from(own);
    this.counts = new Int32Array(own);
  }

  /**
   * Records (byte offset / 4) in byte order of their words (a view of scratch, valid until clear()). The
   * sort's scratch overwrites the slots: no add() until clear().
   */
  sortedOrder(): Uint32Array {
    return sortRecords(this.arena, this.used, this.size, this.#keys);
  }

  /** Empties the table, keeping its memory, and re-splits it for the word length seen. */
  clear(): void {
    if (this.arena.buffer !== this.#one) freeNow(this.arena); // one huge word's own arena: freed now, not at a GC
    this.#split(this.size > 0 ? this.used / this.size - 5 : GUESS_LEN);
    this.#slots.fill(0);
    this.used = 0;
    this.size = 0;
  }
}
