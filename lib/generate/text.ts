// KIND text: lines of 1..20 words (uniform) drawn from a Zipf vocabulary (rank r has weight 1/r^s).
// Normal mode precomputes every word's bytes and an alias table: a word costs one random number, a table
// look-up and a byte copy, no strings. High-cardinality mode (tens of millions of distinct words) keeps no
// per-word table: the top 65,536 ranks use an alias table, the tail is sampled by inverting the continuous
// Zipf integral, and a rank's word is spelled from the rank itself (bijective base 26), so ranks never collide.
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
    let len = Math.max(1, Math.min(14, Math.round(1 + Math.log2(r + 2) * 0.5) + rng.below(4) - 1));
    let w: string;
    for (;;) {
      w = '';
      for (let i = 0; i < len; i++) w += String.fromCharCode(97 + rng.below(26));
      if (!seen.has(w)) break;
      if (len < 14) len++;
    }
    seen.add(w);
    words[r] = w;
  }
  return words;
}

class ZipfText implements LineSource {
  readonly maxLineBytes: number;
  private a: number; private b: number; private c: number; private d: number;
  private readonly n: number;
  /**
   * Alias threshold and alias interleaved (one column, one cache line). Int32 with the threshold shifted by
   * -2^31: V8 keeps int32 elements in registers, where uint32 values above 2^31 become doubles (~15% faster).
   */
  private readonly pairs: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly offsets: Uint32Array;

  constructor(opts: TextOptions) {
    const rng = new Sfc32(opts.seed, 1);
    this.a = rng.a; this.b = rng.b; this.c = rng.c; this.d = rng.d;
    const n = (this.n = opts.vocabulary);
    const words = buildVocabulary(n);
    this.offsets = new Uint32Array(n + 1);
    let total = 0, maxLength = 0;
    for (let r = 0; r < n; r++) { this.offsets[r] = total; total += words[r].length; maxLength = Math.max(maxLength, words[r].length); }
    this.offsets[n] = total;
    this.bytes = new Uint8Array(total + 8); // slack: words are copied 8 bytes at a time
    for (let r = 0; r < n; r++) this.bytes.set(Buffer.from(words[r], 'latin1'), this.offsets[r]);
    const table = buildAlias(zipfWeights(n, opts.zipf));
    this.pairs = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) { this.pairs[2 * i] = (table.threshold[i] - 2147483648) | 0; this.pairs[2 * i + 1] = table.alias[i]; }
    this.maxLineBytes = MAX_WORDS_PER_LINE * (maxLength + 1) + 8;
  }

  nextLine(buf: Buffer, pos: number): number {
    let a = this.a, b = this.b, c = this.c, d = this.d, t: number;
    const pairs = this.pairs, bytes = this.bytes, offsets = this.offsets, scale = this.n * U32;
    // sfc32 step, inlined; the output is t >>> 0.
    t = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;
    const words = 1 + Math.floor((t >>> 0) * U32 * MAX_WORDS_PER_LINE);
    for (let w = 0; w < words; w++) {
      t = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;
      // One number picks the column (integer part) and decides column vs alias (fraction), without a
      // branch: a mispredicted branch per word costs more than the rest of the word.
      const x = (t >>> 0) * scale;
      const col = x | 0;
      const al = pairs[2 * col + 1];
      const rank = al ^ ((col ^ al) & -(((x - col) * 4294967296 - 2147483648 < pairs[2 * col]) as unknown as number));
      // Copy 8 bytes unconditionally (the vocabulary and the line budget have slack), then any rest.
      const o = offsets[rank], end = offsets[rank + 1];
      buf[pos] = bytes[o]; buf[pos + 1] = bytes[o + 1]; buf[pos + 2] = bytes[o + 2]; buf[pos + 3] = bytes[o + 3];
      buf[pos + 4] = bytes[o + 4]; buf[pos + 5] = bytes[o + 5]; buf[pos + 6] = bytes[o + 6]; buf[pos + 7] = bytes[o + 7];
      pos += end - o;
      for (let i = end - o - 8; i > 0; i--) buf[pos - i] = bytes[end - i];
      buf[pos++] = 32;
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
