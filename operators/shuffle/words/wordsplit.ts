// The calling thread's scan for ParallelWordCounter: it finds every word of a ring slot once, hashes it,
// counts the words whose key it owns and hands each helper thread the others as descriptors — (start,
// length, hash) in the slot — so a helper never scans the text: it only counts what it is handed. A word
// that runs past the slot is carried into the next slot, or, when long, handed out in pieces; each
// descriptor list has room for a fixed number of words, and a slot is published early when one is full.
import { SPACE, FNV_OFFSET, FNV_PRIME } from './wordscan.ts';

/**
 * Ints per descriptor. A word: [start | length << SLOT_BITS, hash]. A piece of a long word (and a word of
 * PIECE_LENGTH bytes or more, as one last piece; the helper hashes it): [~start, length * 2 + (1 if last)].
 */
export const DESC_INTS = 2;
/** Slots are at most 2^SLOT_BITS bytes: a start fits in the low bits of a descriptor. */
export const SLOT_BITS = 18;
const START_MASK = (1 << SLOT_BITS) - 1;
/** Words this long or longer are handed out as pieces: a length fits above the start below 2^31. */
const PIECE_LENGTH = 1 << (31 - SLOT_BITS);

/** Calls word(start, end, hash) or piece(start, end, last) for each descriptor of descs[d, end). */
export function readDescriptors(
  descs: Int32Array, d: number, end: number, base: number,
  word: (start: number, end: number, hash: number) => void, piece: (start: number, end: number, last: boolean) => void,
): void {
  for (; d < end; d += DESC_INTS) {
    const x = descs[d];
    if (x >= 0) {
      const s = base + (x & START_MASK);
      word(s, s + (x >>> SLOT_BITS), descs[d + 1]);
    } else {
      const s = base + ~x;
      const y = descs[d + 1];
      piece(s, s + (y >>> 1), (y & 1) === 1);
    }
  }
}

/** Where to count a word: this thread's own counting (wordcounter.ts WordCounter.addWord). */
export interface WordSink {
  addWord(buf: Uint8Array, start: number, end: number, hash: number): void;
}

export class SlotSplitter {
  readonly #data: Uint8Array;
  readonly #owner: Uint8Array;
  readonly #sink: WordSink;
  readonly #descs: Int32Array;
  /** Descriptors each helper has in the slot being scanned. */
  readonly counts: Int32Array;
  readonly #cap: number;
  /** Where the slot being scanned starts in the ring, and its descriptor lists in `descs`. */
  #base = 0;
  #slotDescs = 0;

  /**
   * `data`: the whole ring; `owner[key]`: 0 for this thread, t + 1 for helper t; `descs`: capacity `cap`
   * descriptors per helper per slot, helper t's list of slot s at ((s * helpers) + t) * cap * DESC_INTS.
   */
  constructor(data: Uint8Array, owner: Uint8Array, helpers: number, sink: WordSink, descs: Int32Array, cap: number) {
    this.#data = data;
    this.#owner = owner;
    this.#sink = sink;
    this.#descs = descs;
    this.counts = new Int32Array(helpers);
    this.#cap = cap;
  }

  /** Starts the descriptor lists of `slot` (whose bytes start at `base` in the ring), all empty. */
  begin(slot: number, base: number): void {
    this.counts.fill(0);
    this.#base = base;
    this.#slotDescs = slot * this.counts.length * this.#cap * DESC_INTS;
  }

  /**
   * Counts or hands out the words of data[from, to), every one of them whole. Returns `to`, or the start of
   * the first word not taken when a helper's list is full (one place stays free for a piece()).
   */
  scan(from: number, to: number): number {
    const data = this.#data;
    const owner = this.#owner;
    const descs = this.#descs;
    const counts = this.counts;
    const cap = this.#cap;
    const full = cap - 1;
    const base = this.#base;
    const slotDescs = this.#slotDescs;
    let i = from;
    while (i < to) {
      let c = data[i];
      if (SPACE[c] === 1) {
        i++;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      do {
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      } while (i < to && SPACE[(c = data[i])] === 0);
      const o = owner[(data[start] << 8) | (i - start > 1 ? data[start + 1] : 0)];
      if (o === 0) {
        this.#sink.addWord(data, start, i, h);
        continue;
      }
      const t = o - 1;
      const n = counts[t];
      if (n === full) return start;
      const d = slotDescs + (t * cap + n) * DESC_INTS;
      const len = i - start;
      if (len < PIECE_LENGTH) {
        descs[d] = (start - base) | (len << SLOT_BITS);
        descs[d + 1] = h;
      } else {
        descs[d] = ~(start - base);
        descs[d + 1] = len * 2 + 1;
      }
      counts[t] = n + 1;
    }
    return to;
  }

  /** Hands helper t a piece data[from, to) of a long word (the whole word once `last`). */
  piece(t: number, from: number, to: number, last: boolean): void {
    const n = this.counts[t]++;
    if (n >= this.#cap) throw new Error('mrpipe: a word-count descriptor list overflowed'); // scan() keeps one place
    const d = this.#slotDescs + (t * this.#cap + n) * DESC_INTS;
    this.#descs[d] = ~(from - this.#base);
    this.#descs[d + 1] = (to - from) * 2 + (last ? 1 : 0);
  }
}
