// A hash table from byte strings to counts that never builds a JS string: words are hashed while they
// are scanned (wordscan.ts), compared byte by byte against an arena, and copied into it once. Its
// footprint — slots, entries, the sort's scratch and the arena bytes in use — never grows past `limit`:
// add() answers false instead, and the caller spills the table as a sorted run.
import { freeNow } from '../lines/byte-carry.ts';
import { sortWords } from './wordsort.ts';

/**
 * Bytes per word besides its arena bytes: slots at load ≤ 2/3, start, count. The sort's key and order
 * (8 + 4 bytes a word) overlay the slots, which a spill no longer needs: 20 bytes a word, not 32.
 */
const WORD_BYTES = 8 * 1.5 + 4 + 4;
const MAX_COUNT = 0x7fffffff;
/** Word length assumed for the first split of the budget between entries and arena. */
const GUESS_LEN = 8;
/** The most one table uses: arena positions are 32-bit (`starts`), and the split's offsets are int32
 * arithmetic. A larger budget (`--workers 1 --memory 9GB`) is clamped here rather than overflowing. */
export const MAX_TABLE_BYTES = 2 ** 31 - 4096;

export class WordTable {
  /** Byte budget for the memory the table touches. */
  readonly limit: number;
  readonly #one: ArrayBuffer;
  arena!: Buffer;
  /** Arena bytes in use. */
  used = 0;
  /** Words in the table (entries 0..size-1, in insertion order: arena order). */
  size = 0;
  /** Where word e starts in the arena; it ends where word e + 1 starts (starts[size] = used after sortedOrder()). */
  starts!: Uint32Array;
  counts!: Int32Array;
  /**
   * Pairs (key, entry + 1), 0 = empty: key = hash's high 24 bits | length's low 8 (255: long). 8 bytes a slot
   * keep them in the last-level cache, so a new word (most words, at high cardinality) costs no DRAM miss.
   */
  #slots!: Int32Array;
  #top = 0;
  #scale = 0;
  #cap = 0;
  #keys!: BigUint64Array;
  #order!: Uint32Array;

  /**
   * One allocation of `limit` bytes, made once; each clear() re-splits it between entries and arena for the
   * word length seen. Pages become resident as they are first written: the table touches ≤ `limit` bytes.
   */
  constructor(limit: number) {
    this.limit = Math.max(256, Math.floor(Math.min(limit, MAX_TABLE_BYTES)));
    this.#one = new ArrayBuffer(this.limit);
    this.#split(GUESS_LEN);
  }

  #split(wordLen: number): void {
    const cap = Math.max(1, Math.floor((this.limit - 64) / (WORD_BYTES + 1.1 * wordLen + 1)));
    const slots = Math.max(2, Math.ceil(cap * 1.5));
    let off = 0;
    const take = (bytes: number): number => { const at = off; off += (bytes + 7) & ~7; return at; };
    const at = take(slots * 8); // ≥ 12 bytes a word: the sort's keys and order fit in it
    this.#slots = new Int32Array(this.#one, at, slots * 2);
    this.#keys = new BigUint64Array(this.#one, at, cap);
    this.#order = new Uint32Array(this.#one, at + cap * 8, cap);
    this.starts = new Uint32Array(this.#one, take((cap + 1) * 4), cap + 1);
    this.counts = new Int32Array(this.#one, take(cap * 4), cap);
    this.arena = Buffer.from(this.#one, off);
    this.#top = slots * 2;
    this.#scale = slots / 2 ** 32;
    this.#cap = cap;
  }

  /** Bytes the table has touched so far (its resident memory at most). */
  get footprint(): number {
    return this.#top * 4 + this.size * 8 + this.used;
  }

  /**
   * Adds `n` (≥ 1) to the count of buf[start, end), whose FNV-1a hash is `hash`. False when the word is new
   * and would take the table past its limit, or its count would overflow (nothing changed: spill, then add
   * again). An empty table always takes a word, however long.
   */
  add(buf: Uint8Array, start: number, end: number, hash: number, n: number): boolean {
    const len = end - start;
    const key = (hash & ~0xff) | (len < 255 ? len : 255);
    const slots = this.#slots;
    const top = this.#top;
    let x = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    x ^= x >>> 16;
    let i = ((x >>> 0) * this.#scale | 0) * 2;
    while (true) {
      const e1 = slots[i + 1];
      if (e1 === 0) break;
      if (slots[i] === key) {
        const e = e1 - 1;
        let a = this.starts[e];
        if (len < 255 || (e + 1 < this.size ? this.starts[e + 1] : this.used) - a === len) {
          const arena = this.arena;
          let j = start;
          while (j < end && arena[a] === buf[j]) { a++; j++; }
          if (j === end) {
            const c = this.counts[e] + n;
            if (c > MAX_COUNT) return false;
            this.counts[e] = c;
            return true;
          }
        }
      }
      i += 2;
      if (i === top) i = 0;
    }
    // A new word.
    if (this.size > 0 && (this.size >= this.#cap || this.used + len > this.arena.length)) return false;
    if (this.used + len > this.arena.length) this.arena = Buffer.allocUnsafeSlow(len); // one word longer than the arena
    const e = this.size++;
    slots[i] = key;
    slots[i + 1] = e + 1;
    this.starts[e] = this.used;
    this.counts[e] = n;
    const arena = this.arena;
    let u = this.used;
    if (len <= 16) for (let j = start; j < end; j++) arena[u++] = buf[j]; // no subarray object per word
    else { arena.set(buf.subarray(start, end), u); u += len; }
    this.used = u;
    return true;
  }

  /**
   * Entry indexes in byte order of their words (a view of scratch, valid until clear()). The sort's scratch
   * overwrites the slots: no add() until clear().
   */
  sortedOrder(): Uint32Array {
    this.starts[this.size] = this.used;
    return sortWords(this.arena, this.starts, this.size, { keys: this.#keys, order: this.#order });
  }

  /**
   * Adds each word's count plus `perWord` to weights[key] (key: its first two bytes, wordscan.ts wordKey):
   * how the work of a sample of text spreads over word keys.
   */
  addKeyWeights(weights: Float64Array, perWord: number): void {
    const arena = this.arena;
    for (let e = 0; e < this.size; e++) {
      const s = this.starts[e];
      const len = (e + 1 < this.size ? this.starts[e + 1] : this.used) - s;
      weights[(arena[s] << 8) | (len > 1 ? arena[s + 1] : 0)] += this.counts[e] + perWord;
    }
  }

  /** Empties the table, keeping its memory, and re-splits it for the word length seen. */
  clear(): void {
    if (this.arena.buffer !== this.#one) freeNow(this.arena); // one huge word's own arena: freed now, not at a GC
    this.#split(this.size > 0 ? this.used / this.size : GUESS_LEN);
    this.#slots.fill(0);
    this.used = 0;
    this.size = 0;
  }
}
