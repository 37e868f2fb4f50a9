// countWords as stream stages: raw text bytes in (any chunking), batches of (word, count) out in byte
// order of the word (WordCounter under a byte budget); wordCountLines turns them into `count word` or
// `word<TAB>count` lines without a string per word. The temp dir goes on completion, error, destroy().
import { Transform } from 'node:stream';
import type { Pair, Stage } from '../../types.ts';
import { releaseChunk } from '../../lines/chunk-pool.ts';
import { writeDecimal } from '../runs/codec.ts';
import { scavengeEvery } from '../gc.ts';
import { sortingStage } from '../sort/sorting-stage.ts';
import { DEFAULT_WORDCOUNT_MEMORY, type WordCounterOptions } from './wordcounter.ts';
import { ParallelWordCounter } from './parallel-wordcounter.ts';
import type { WordCountCursor } from './wordrun.ts';
import { checkTmpDir } from '../../check-options.ts';

/**
 * Up to BATCH_WORDS pairs in column form: word i is bytes[i ? ends[i-1] : 0, ends[i]). A consumer done with
 * a batch may hand it back with releaseWordCountBatch (wordCountLines does): countWords then refills it
 * instead of allocating (garbage buffers outside V8's heap are freed late and fragment malloc's heap).
 */
export class WordCountBatch {
  length: number;
  bytes: Buffer;
  ends: Uint32Array;
  counts: Float64Array;
  /** Where release() returns the batch (set by countWords). */
  pool: WordCountBatch[] | undefined;

  constructor(length: number, bytes: Buffer, ends: Uint32Array, counts: Float64Array) {
    this.length = length;
    this.bytes = bytes;
    this.ends = ends;
    this.counts = counts;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  /** Word i as a latin1 string (one char per byte: string order is byte order). */
  word(i: number): string {
    return this.bytes.toString('latin1', this.start(i), this.ends[i]);
  }

  /** The pairs as [word (latin1), count]. */
  *pairs(): Generator<Pair<number>> {
    for (let i = 0; i < this.length; i++) yield [this.word(i), this.counts[i]];
  }
}

/** Hands a batch back to countWords for reuse: call it only when holding nothing of it any more. */
export function releaseWordCountBatch(batch: WordCountBatch): void {
  const pool = batch.pool;
  batch.pool = undefined;
  if (pool !== undefined && pool.length < POOL_BATCHES) pool.push(batch);
}

const BATCH_WORDS = 8192;
/** Bytes the stage holds besides its WordCounter: ~6 input chunks of 256 KiB, POOL_BATCHES of ~200 KiB. */
const STAGE_RESERVE = 4 * 2 ** 20;
/** Batches kept for reuse: the stage's readable buffer (4) and one being formatted, plus slack. */
const POOL_BATCHES = 8;

/** Options of countWords: the byte budget, where runs spill, helper threads, abort. */
export interface CountWordsOptions extends WordCounterOptions {
  /**
   * Helper threads counting beside the stage's own thread (default 0). Each counts its own share of the
   * budget (a helper's ~16 MB of isolate is taken from it too); the output is the same bytes.
   */
  helpers?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/** The whole buffers behind a pooled batch's views. */
interface BatchSpace {
  bytes: Buffer;
  ends: Uint32Array;
  counts: Float64Array;
}
const space = new WeakMap<WordCountBatch, BatchSpace>();

/**
 * Copies up to BATCH_WORDS pairs from the cursor into a batch (one from `pool` when there is one); null at
 * its end.
 */
export function nextWordCountBatch(cursor: WordCountCursor, pool?: WordCountBatch[]): WordCountBatch | null {
  const reused = pool?.pop();
  const sp = (reused && space.get(reused)) ?? {
    bytes: Buffer.allocUnsafeSlow(BATCH_WORDS * 16),
    ends: new Uint32Array(BATCH_WORDS),
    counts: new Float64Array(BATCH_WORDS),
  };
  const { ends, counts } = sp;
  let bytes = sp.bytes;
  let n = 0;
  let pos = 0;
  while (n < BATCH_WORDS && cursor.advance()) {
    const len = cursor.end - cursor.start;
    if (pos + len > bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(2 * bytes.length, pos + len));
      bytes.copy(bigger, 0, 0, pos);
      bytes = sp.bytes = bigger;
    }
    const src = cursor.buf;
    if (len <= 16) for (let i = cursor.start, e = cursor.end; i < e; i++) bytes[pos++] = src[i];
    else pos += src.copy(bytes, pos, cursor.start, cursor.end);
    ends[n] = pos;
    counts[n++] = cursor.count;
  }
  if (n === 0) {
    if (reused) pool?.push(reused);
    return null;
  }
  const batch = reused ?? new WordCountBatch(0, bytes, ends, counts);
  batch.length = n;
  batch.bytes = bytes.subarray(0, pos);
  batch.ends = ends.subarray(0, n);
  batch.counts = counts.subarray(0, n);
  batch.pool = pool;
  space.set(batch, sp);
  return batch;
}

/**
 * Count the words (runs of bytes other than space, \t, \n, \v, \f, \r) of a byte stream under a byte
 * budget: bytes in, one (word, count) per distinct word, in byte order of the word, in WordCountBatch
 * columns (no string per word; `batch.pairs()` gives [word, count]). The engine of `mrpipe wordcount`.
 *
 * @param options `memory` (default 256 MiB), `tmpDir` (must exist, checked here), `helpers` (extra counting
 *   threads, default 0), `fanIn` (64), `signal`.
 * @example
 * await pipeline(readChunks('huge.txt'), countWords({ memory: 64 * 2 ** 20 }), wordCountLines(), process.stdout);
 */
export function countWords(options: CountWordsOptions = {}): Stage<Buffer, WordCountBatch> {
  // The stage's own buffers come out of the budget: input chunks queued on both sides (readChunks' 256 KiB)
  // and the batches in the pool.
  checkTmpDir(options.tmpDir, 'countWords');
  const memory = options.memory ?? DEFAULT_WORDCOUNT_MEMORY;
  const reserve = Math.min(Math.floor(memory / 8), STAGE_RESERVE);
  const counter = new ParallelWordCounter({ ...options, memory: memory - reserve, helpers: options.helpers ?? 0 });
  let cursor: WordCountCursor | undefined;
  // Chunks and batches die young but hold memory outside the heap.
  const passed = scavengeEvery();

  return sortingStage<Buffer, WordCountBatch>({
    objectMode: true,
    readableHighWaterMark: 4,
    writableHighWaterMark: 4,
    add: (chunk) => {
      counter.write(chunk);
      // The counter copied what it keeps: readChunks may read into this buffer again.
      releaseChunk(chunk);
      passed(chunk.length);
    },
    finish: async () => {
      const c = (cursor = await counter.finish());
      const pool: WordCountBatch[] = [];
      return () => {
        const batch = nextWordCountBatch(c, pool);
        // A batch and its text lines die young, outside the heap: count both.
        if (batch) passed(2 * batch.bytes.length + batch.length * 24);
        return batch;
      };
    },
    dispose: () => {
      if (cursor) cursor.close();
      else counter.dispose();
    },
    signal: options.signal,
  });
}

/** Options of wordCountLines: `word<TAB>count` (default) or `count word` lines. */
export interface WordCountLinesOptions {
  /** `count word` (true, like `uniq -c` without its padding) or `word<TAB>count` (false, the default). */
  countFirst?: boolean;
}

/** Formats a batch as lines (`word<TAB>count` or `count word`), bytes copied as they are. */
export function formatWordCounts(batch: WordCountBatch, options: WordCountLinesOptions = {}): Buffer {
  const out = Buffer.allocUnsafe(batch.bytes.length + batch.length * 18);
  const src = batch.bytes;
  let p = 0;
  let s = 0;
  for (let i = 0; i < batch.length; i++) {
    const e = batch.ends[i];
    const c = batch.counts[i];
    if (options.countFirst) {
      p += writeDecimal(out, p, c);
      out[p++] = 32;
    }
    if (e - s <= 16) for (let j = s; j < e; j++) out[p++] = src[j];
    else p += src.copy(out, p, s, e);
    if (!options.countFirst) {
      out[p++] = 9;
      p += writeDecimal(out, p, c);
    }
    out[p++] = 10;
    s = e;
  }
  return out.subarray(0, p);
}

/**
 * countWords' batches as text lines, bytes copied as they are: `word<TAB>count` (default) or `count word`.
 *
 * @param options `countFirst`: `count word` lines like `uniq -c` without its padding (default false).
 * @example
 * await pipeline(readChunks('huge.txt'), countWords(), wordCountLines({ countFirst: true }), process.stdout);
 */
export function wordCountLines(options: WordCountLinesOptions = {}): Stage<WordCountBatch, Buffer> {
  return pipeStage((batch: WordCountBatch) => {
    const lines = formatWordCounts(batch, options);
    releaseWordCountBatch(batch);
    return lines;
  });
}

function pipeStage<I, O>(fn: (x: I) => O): Stage<I, O> {
  return new Transform({
    writableObjectMode: true,
    readableHighWaterMark: 1 << 18,
    transform(chunk: I, _enc, cb) {
      try {
        cb(null, fn(chunk));
      } catch (err) {
        cb(err as Error);
      }
    },
  }) as unknown as Stage<I, O>;
}
