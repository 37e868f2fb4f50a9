// Word count in bounded memory: count into a WordTable; when it outgrows its share of the budget, spill
// it as a sorted run and start again; at the end merge the runs (or just sort the table if none spilled).
import v8 from 'node:v8';
import { WordTable } from './table.ts';
import { WordScanner } from './scan.ts';
import { mergeRuns, writeRun, type PairSink } from './runs.ts';
import { withTempDir } from '../tempdir.ts';

export interface CountOptions {
  /** Byte budget for the table (the process adds Node's own ~40-50 MB). */
  memory: number;
  tmpDir?: string;
  /** Called after each chunk with the bytes consumed so far. */
  onProgress?: (bytes: number) => void;
}

export interface CountStats {
  bytes: number;
  words: number;
  distinct: number;
  spills: number;
}

/** Counts the words of `chunks` and passes (word, count) to `sink` in byte order of the word. */
export async function countWords(chunks: AsyncIterable<Buffer>, opts: CountOptions, sink: PairSink): Promise<CountStats> {
  // Arrays grow by doubling (allocated ≤ 2 × live, plus the old copy while growing): spill at a third.
  const limit = Math.max(opts.memory / 3, 64);
  return withTempDir(opts.tmpDir, async (dir) => {
    const scanner = new WordScanner(new WordTable());
    const stats: CountStats = { bytes: 0, words: 0, distinct: 0, spills: 0 };
    const runs: string[] = [];
    const spill = (): void => {
      // Spilling means many distinct words: from here on, ask V8 to favour a small heap (the word strings
      // made to sort each run die right after it). The common in-memory case keeps the default.
      if (runs.length === 0) { try { v8.setFlagsFromString('--optimize-for-size'); } catch { /* keep the default */ } }
      runs.push(writeRun(scanner.table, dir, runs.length));
      stats.spills++;
      // Reuse the arrays: no churn of large allocations between spills (which fragments the heap).
      scanner.table.clear();
    };
    for await (const chunk of chunks) {
      scanner.write(chunk);
      stats.bytes += chunk.length;
      if (scanner.table.liveBytes > limit) spill();
      opts.onProgress?.(stats.bytes);
    }
    scanner.end();
    stats.words = scanner.words;
    if (runs.length === 0) {
      const table = scanner.table;
      const { words, order } = table.sortedEntries();
      stats.distinct = order.length;
      for (let k = 0; k < order.length; k++) {
        const e = order[k];
        const p = sink(words[e], table.counts[e]);
        if (p) await p;
      }
      return stats;
    }
    spill();
    await mergeRuns(runs, dir, (w, c) => { stats.distinct++; return sink(w, c); });
    return stats;
  });
}

/** Keeps the n most frequent words: count descending, then word in byte order (the recipes' TopK). */
export { TopK as TopWords } from '../../../recipes/support/topk.ts';
