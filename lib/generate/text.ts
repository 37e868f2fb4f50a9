// KIND text: lines of 1..20 words (uniform) drawn from a Zipf vocabulary (rank r has weight 1/r^s).
// Normal mode: the first 8,192 ranks are stored word by word, the rest in blocks of 64 ranks that share a
// stem; one alias table over ranks and blocks (small enough for a core's L2 cache) picks a word with one
// random number, a second picks the word inside a block, and the bytes move in two 8-byte stores: no strings.
// High-cardinality mode (tens of millions of distinct words) keeps no per-word table: the top 65,536 ranks use
// an alias table, the tail is sampled by inverting the continuous Zipf integral, and a rank's word is spelled
// from the rank itself (bijective base 26), so ranks never collide.
import { buildAlias, zipfWeights, type AliasTable } from './alias.ts';
import type { LineSource } from './line-source.ts';
import { Sfc32 } from './prng.ts';

export interface TextOptions {
  seed: number;
  /** Distinct words (ranks). Default 200,000. */
  vocabulary: number;
  /** Zipf exponent s. Default 1 (0.8 in high-cardinality mode, so tens of millions of words actually appear). */
  zipf: number;
  /** Default: vocabulary > 2,000,000. */
  highCardinality: boolean;
}

export const TEXT_DEFAULT_VOCABULARY = 200_000;
export const HIGH_CARDINALITY_THRESHOLD = 2_000_000;
export const HIGH_CARDINALITY_VOCABULARY = 50_000_000;
export const MAX_WORDS_PER_LINE = 20;
const HEAD_RANKS = 65_536;
const U32 = 2.3283064365386963e-10;
/** The vocabulary does not depend on the run's seed: the same vocabulary size gives the same words. */
const VOCAB_SEED = 0x766f6361;

export function resolveTextOptions(o: Partial<TextOptions> & { seed: number }): TextOptions {
  // highCardinality alone means "tens of millions of distinct words": a 50 M-word vocabulary.
  const vocabulary = o.vocabulary ?? (o.highCardinality ? HIGH_CARDINALITY_VOCABULARY : TEXT_DEFAULT_VOCABULARY);
  if (!Number.isSafeInteger(vocabulary) || vocabulary < 1) throw new RangeError(`vocabulary must be a positive integer, got ${vocabulary}`);
  const highCardinality = o.highCardinality ?? vocabulary > HIGH_CARDINALITY_THRESHOLD;
  const zipf = o.zipf ?? (highCardinality ? 0.8 : 1);
  if (!(zipf > 0 && zipf < 10)) throw new RangeError(`zipf exponent must be in (0, 10), got ${zipf}`);
  return { seed: o.seed, vocabulary, zipf, highCardinality };
}

export function textSource(opts: TextOptions): LineSource {
  return opts.highCardinality ? new HighCardinalityText(opts) : new ZipfText(opts);
}

/** Random lower-case words, shorter for frequent ranks (as in natural language), all distinct. */
export function buildVocabulary(n: number): string[] {
  const rng = new Sfc32(VOCAB_SEED);
  const seen = new Set<string>();
  const words: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const len = Math.max(1, Math.min(14, Math.round(1 + Math.log2(r + 2) * 0.5) + rng.below(4) - 1));
    words[r] = freshWord(rng, len, 14, seen);
  }
  return words;
}

/** Random lower-case letters, `len` of them, one more (up to maxLen) after each draw already taken; the
 * word is added to `taken`. */
function freshWord(rng: Sfc32, len: number, maxLen: number, taken: Set<string>): string {
  for (;;) {
    let w = '';
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + rng.below(26));
    if (!taken.has(w)) {
      taken.add(w);
      return w;
    }
    if (len < maxLen) len++;
  }
}

/** Ranks stored word by word; the ranks beyond come in blocks of BLOCK that share a stem. */
const HEAD_WORDS = 8192;
/** Tail ranks per block: block j's word k is stem_j + SUFFIX_FIRST[k >> 3] + SUFFIX_SECOND[k & 7]. */
const BLOCK = 64;
const SUFFIX_FIRST = 'eaionrst';
const SUFFIX_SECOND = 'ydsnlerk';
/** A word slot: up to 15 bytes of word (and space, or stem), then one byte = kept bytes | suffix bytes << 4. */
const SLOT_BYTES = 16;

/** The normal-mode vocabulary's shape: which ranks are stored whole and how many stem blocks follow. */
function vocabularyShape(n: number): { head: number; blocks: number } {
  // The head absorbs the remainder, so every block is full and a word's index in it is 6 random bits.
  const head = n <= HEAD_WORDS ? n : HEAD_WORDS + ((n - HEAD_WORDS) % BLOCK);
  return { head, blocks: (n - head) / BLOCK };
}

/**
 * Stems for the tail blocks, lengths growing with rank like the head's words. A stem is refused when a head
 * word could be spelled as stem + suffix, so every word of the vocabulary is distinct.
 */
function buildStems(headWords: readonly string[], blocks: number): string[] {
  const forbidden = new Set<string>();
  for (const w of headWords) if (w.length >= 3) forbidden.add(w.slice(0, -2));
  const rng = new Sfc32(VOCAB_SEED, 2);
  const stems: string[] = new Array(blocks);
  for (let j = 0; j < blocks; j++) {
    const rank = headWords.length + j * BLOCK;
    const len = Math.max(1, Math.min(12, Math.round(Math.log2(rank + 2) * 0.5) - 2 + rng.below(4)));
    stems[j] = freshWord(rng, len, 12, forbidden);
  }
  return stems;
}

/** The normal-mode text vocabulary in rank order (rank 1 first): what ZipfText draws from. */
export function zipfVocabulary(n: number): string[] {
  const { head, blocks } = vocabularyShape(n);
  const words = buildVocabulary(head);
  for (const stem of buildStems(words, blocks)) {
    for (let k = 0; k < BLOCK; k++) words.push(stem + SUFFIX_FIRST[k >> 3] + SUFFIX_SECOND[k & 7]);
  }
  return words;
}

/**
 * Alias sampling over "items": each head rank, and each tail block with its block's total Zipf mass, padded
 * with weightless items to a power of two of columns. A uniformly random column is the one memory access an
 * alias method cannot avoid, so the column table is what must stay small: one int32 per column packs the
 * threshold and the alias (64 KB for the default 200,000 words; one entry per rank, as in version 1, was
 * 1.6 MB with 2.2 MB of word tables beside it, and missed the cache on every word). The item's 16-byte slot
 * is then read where frequent words are: hot. Inside a block the word is drawn uniformly, within 0.8% of its
 * exact Zipf probability (the weights of 64 consecutive ranks past 8,192 differ by less than that).
 */
class ZipfText implements LineSource {
  readonly maxLineBytes: number;
  private a: number; private b: number; private c: number; private d: number;
  /** 2^colBits columns: a random number's top colBits bits pick one, its low 32 - colBits bits decide. */
  private readonly colBits: number;
  /** Per column: threshold << colBits | alias. The column keeps itself when the low bits are below threshold. */
  private readonly columns: Int32Array;
  /** Per item, the 16-byte slot as two float64s (moved by two 8-byte stores) and as bytes (its last: lengths). */
  private readonly slots: Float64Array;
  private readonly slotBytes: Uint8Array;
  /** Suffix letters and the space after them, one little-endian int32 per index in a block. */
  private readonly suffixes: Int32Array;
  private target: Buffer | null = null;
  private view: DataView = new DataView(new ArrayBuffer(0));

  constructor(opts: TextOptions) {
    const rng = new Sfc32(opts.seed, 1);
    this.a = rng.a; this.b = rng.b; this.c = rng.c; this.d = rng.d;
    const n = opts.vocabulary, s = opts.zipf;
    const { head, blocks } = vocabularyShape(n);
    const headWords = buildVocabulary(head);
    const stems = buildStems(headWords, blocks);
    const items = head + blocks;
    let colBits = 1;
    while (1 << colBits < items) colBits++;
    this.colBits = colBits;
    const columns = 1 << colBits, fracBits = 32 - colBits;
    const weights = new Float64Array(columns);
    for (let r = 0; r < head; r++) weights[r] = Math.pow(r + 1, -s);
    for (let j = 0; j < blocks; j++) {
      let mass = 0;
      for (let r = head + j * BLOCK, end = r + BLOCK; r < end; r++) mass += Math.pow(r + 1, -s);
      weights[head + j] = mass;
    }
    const table = buildAlias(weights);
    this.columns = new Int32Array(columns);
    for (let i = 0; i < columns; i++) {
      let threshold = Math.floor(table.threshold[i] / columns), alias = table.alias[i];
      // A weightless padding column always defers (rounding could have left it keeping itself).
      if (i >= items) { threshold = 0; if (alias >= items) alias = 0; }
      this.columns[i] = (Math.min(threshold, 2 ** fracBits - 1) * columns + alias) | 0;
    }
    const slotMemory = new ArrayBuffer(items * SLOT_BYTES);
    this.slots = new Float64Array(slotMemory);
    this.slotBytes = new Uint8Array(slotMemory);
    let longest = 0;
    for (let i = 0; i < items; i++) {
      // A head slot is its word and the space; a block's is its stem, and a suffix follows.
      const slot = i < head ? headWords[i] + ' ' : stems[i - head];
      const suffix = i < head ? 0 : 3;
      if (slot.length >= SLOT_BYTES) throw new Error(`word slot overflow: ${slot}`);
      this.slotBytes.set(Buffer.from(slot, 'latin1'), i * SLOT_BYTES);
      // At most 0x3f: the slot's second float64 never has an all-ones exponent, so it is never a NaN (whose
      // bits V8 may change on the way through a register).
      this.slotBytes[i * SLOT_BYTES + 15] = slot.length | (suffix << 4);
      longest = Math.max(longest, slot.length + suffix);
    }
    this.suffixes = new Int32Array(BLOCK);
    for (let k = 0; k < BLOCK; k++) this.suffixes[k] = SUFFIX_FIRST.charCodeAt(k >> 3) | (SUFFIX_SECOND.charCodeAt(k & 7) << 8) | (32 << 16);
    // Slack: each word stores a whole slot and 4 suffix bytes past its start, whatever its length.
    this.maxLineBytes = MAX_WORDS_PER_LINE * longest + SLOT_BYTES + 4;
  }

  nextLine(buf: Buffer, pos: number): number {
    if (buf !== this.target) { this.target = buf; this.view = new DataView(buf.buffer, buf.byteOffset, buf.length); }
    let a = this.a, b = this.b, c = this.c, d = this.d, t: number;
    const columns = this.columns, slots = this.slots, slotBytes = this.slotBytes, suffixes = this.suffixes, view = this.view;
    const colBits = this.colBits, fracBits = 32 - colBits, fracMask = (1 << fracBits) - 1, aliasMask = (1 << colBits) - 1;
    // sfc32 step, inlined; the output is t >>> 0.
    t = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;
    const words = 1 + Math.floor((t >>> 0) * U32 * MAX_WORDS_PER_LINE);
    for (let w = 0; w < words; w++) {
      t = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;
      // Integer-only and branch-free: top bits = column, low bits < threshold keeps it (a mispredicted
      // branch per word costs more than the rest of the word; float conversions cost a third of it).
      const col = t >>> fracBits;
      const e = columns[col];
      const al = e & aliasMask;
      const item = al ^ ((col ^ al) & (((t & fracMask) - (e >>> colBits)) >> 31));
      view.setFloat64(pos, slots[2 * item], true);
      view.setFloat64(pos + 8, slots[2 * item + 1], true);
      const lengths = slotBytes[item * SLOT_BYTES + 15];
      pos += lengths & 15;
      // The suffix is drawn and stored for every word and kept only for a block's (3 bytes, or 0): cheaper
      // than a branch that would mispredict on about a quarter of the words.
      t = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;
      view.setInt32(pos, suffixes[t >>> 26], true);
      pos += lengths >> 4;
    }
    buf[pos - 1] = 10;
    this.a = a; this.b = b; this.c = c; this.d = d;
    return pos;
  }
}

/** Spells 0-based rank k as a distinct word: bijective base 26 of k+1, each position's letters shuffled. */
export function writeRankWord(buf: Uint8Array, pos: number, k: number): number {
  let n = k + 1, len = 0;
  for (let m = n; m > 0; m = Math.floor((m - 1) / 26)) len++;
  let p = pos + len, i = 0;
  while (n > 0) {
    const d = (n - 1) % 26;
    buf[--p] = 97 + ((d * 7 + i * 11) % 26);
    n = Math.floor((n - 1) / 26);
    i++;
  }
  return pos + len;
}

class HighCardinalityText implements LineSource {
  readonly maxLineBytes: number;
  private readonly rng: Sfc32;
  private readonly n: number;
  private readonly head: AliasTable;
  /** A first random number below headCut samples the head, else the tail. */
  private readonly headCut: number;
  private readonly tailA: number;
  private readonly tailSpan: number;
  private readonly invExp: number;
  private readonly logTail: boolean;

  constructor(opts: TextOptions) {
    this.rng = new Sfc32(opts.seed, 1);
    const n = (this.n = opts.vocabulary), s = opts.zipf;
    const headRanks = Math.min(n, HEAD_RANKS);
    const w = zipfWeights(headRanks, s);
    let headMass = 0;
    for (let i = 0; i < headRanks; i++) headMass += w[i];
    this.head = buildAlias(w);
    // Tail: ranks headRanks+1..n (1-based) by inverting the integral of x^-s over [headRanks+0.5, n+0.5).
    const lo = headRanks + 0.5, hi = n + 0.5;
    this.logTail = Math.abs(s - 1) < 1e-9;
    let tailMass: number;
    if (this.logTail) {
      this.tailA = Math.log(lo); this.tailSpan = Math.log(hi) - this.tailA; this.invExp = 1;
      tailMass = this.tailSpan;
    } else {
      this.tailA = Math.pow(lo, 1 - s); this.tailSpan = Math.pow(hi, 1 - s) - this.tailA; this.invExp = 1 / (1 - s);
      tailMass = this.tailSpan / (1 - s);
    }
    this.headCut = n > headRanks ? Math.floor((headMass / (headMass + tailMass)) * 4294967296) : 4294967296;
    let len = 0;
    for (let m = n; m > 0; m = Math.floor((m - 1) / 26)) len++;
    this.maxLineBytes = MAX_WORDS_PER_LINE * (len + 1);
  }

  nextLine(buf: Buffer, pos: number): number {
    const rng = this.rng, head = this.head;
    const words = 1 + rng.below(MAX_WORDS_PER_LINE);
    for (let w = 0; w < words; w++) {
      let k: number;
      if (rng.next() < this.headCut) {
        const col = rng.below(head.n);
        k = rng.next() < head.threshold[col] ? col : head.alias[col];
      } else {
        const y = this.tailA + rng.float() * this.tailSpan;
        k = Math.round(this.logTail ? Math.exp(y) : Math.pow(y, this.invExp)) - 1;
        if (k < head.n) k = head.n; else if (k >= this.n) k = this.n - 1;
      }
      pos = writeRankWord(buf, pos, k);
      buf[pos++] = 32;
    }
    buf[pos - 1] = 10;
    return pos;
  }
}
