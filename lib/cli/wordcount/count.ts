// Word count in bounded memory for the CLI: the shuffle operators' ParallelWordCounter (WordCounters on
// `workers` threads, each counting its pieces of the text: byte arenas, radix-sorted binary runs, each
// thread merging a range of the words), with its errors turned into CLI messages and progress per chunk.
import fs from 'node:fs';
import { DiskFullError } from '../../../operators/shuffle/runs/errors.ts';
import { isGzip } from '../../../plumbing/open-input.ts';
import { ParallelWordCounter, counterMemoryFor } from '../../../operators/shuffle/words/parallel-wordcounter.ts';
import type { WordCountCursor } from '../../../operators/shuffle/words/wordrun.ts';
import { CliError, EXIT_FAILED } from '../errors.ts';
import type { InputSpec } from '../io.ts';

/**
 * The counter's memory: its rule (counterMemoryFor) over the CLI's inputs; stdin, .gz and anything but a
 * regular file (a FIFO, <(…)) are of unknown size.
 */
export function counterMemory(specs: readonly InputSpec[], budget: number): number {
  let bytes = 0;
  for (const s of specs) {
    if (s.path === null || isGzip(s.path)) return counterMemoryFor(undefined, budget);
    let st: fs.Stats;
    try { st = fs.statSync(s.path); } catch { return counterMemoryFor(undefined, budget); }
    if (!st.isFile()) return counterMemoryFor(undefined, budget);
    bytes += st.size;
  }
  return counterMemoryFor(bytes, budget);
}

export interface CountOptions {
  /** Byte budget for the counts and their spill buffers (the process adds Node's own ~40-50 MB). */
  memory: number;
  tmpDir?: string;
  /** Threads that count (default 1: this one only). */
  workers?: number;
  /** Called after each chunk with the bytes consumed so far. */
  onProgress?: (bytes: number) => void;
  /** Called when the input is counted and the merge of the spilled runs begins. */
  onMerge?: () => void;
}

export interface CountStats {
  bytes: number;
  words: number;
  distinct: number;
  spills: number;
}

/** Sink for (word, count) pairs; may return a promise to apply backpressure. */
export type PairSink = (word: string, count: number) => void | Promise<void>;

/** Turns a full disk (or a file-size limit) while spilling into one line that says what to do. */
function spillError(err: unknown, dir: string | undefined): unknown {
  const code = (err as { code?: string })?.code;
  if (code !== 'ENOSPC' && code !== 'EFBIG' && code !== 'EDQUOT') return err;
  const where = err instanceof DiskFullError ? err.dir : dir ?? 'the temp dir';
  return new CliError(`disk full (${code}) writing spill runs in temp dir ${where}: ` +
    'free space there or use --tmp-dir (-T) on a larger disk; the spill files were removed', EXIT_FAILED);
}

/**
 * Counts the words of `chunks` and hands `consume` a cursor over (word, count) in byte order of the word.
 * The spill directory is removed afterwards, whatever happens.
 */
export async function countWordsCursor(
  chunks: AsyncIterable<Buffer>, opts: CountOptions, consume: (cursor: WordCountCursor) => Promise<number>,
): Promise<CountStats> {
  const counter = new ParallelWordCounter({ memory: opts.memory, tmpDir: opts.tmpDir, helpers: (opts.workers ?? 1) - 1 });
  try {
    for await (const chunk of chunks) {
      counter.write(chunk);
      opts.onProgress?.(counter.stats.bytes);
    }
    opts.onMerge?.();
    const distinct = await consume(await counter.finish());
    const { bytes, words, spills } = counter.stats;
    return { bytes, words, distinct, spills };
  } catch (err) {
    throw spillError(err, counter.tempDir);
  } finally {
    counter.dispose();
  }
}

/** Counts the words of `chunks` and passes (word as latin1, count) to `sink` in byte order of the word. */
export function countWords(chunks: AsyncIterable<Buffer>, opts: CountOptions, sink: PairSink): Promise<CountStats> {
  return countWordsCursor(chunks, opts, async (cursor) => {
    let n = 0;
    while (cursor.advance()) {
      n++;
      const p = sink(cursor.buf.toString('latin1', cursor.start, cursor.end), cursor.count);
      if (p) await p;
    }
    return n;
  });
}

/** Keeps the n most frequent words: count descending, then word in byte order (the recipes' TopK). */
export { TopK as TopWords } from '../../../operators/shuffle/keyed/topk.ts';
