// WordCounter: counts the words of raw text bytes (any chunking) in bounded memory and yields (word,
// count) in byte order of the word. Words are counted in a WordTable (a byte arena, no string per word);
// when the table reaches its share of the budget it is radix-sorted and spilled as a binary run to a
// private temp dir; at the end the runs and the last table (sorted in memory) are merged by bytes,
// summing equal words. The temp dir goes on completion (the cursor's end), dispose(), and at exit/signals.
import fs from 'node:fs';
import path from 'node:path';
import { openAll } from '../runs/fdlimit.ts';
import { mergeRuns } from '../runs/merge-plan.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { WordScanner } from './wordscan.ts';
import { WordTable } from './wordtable.ts';
import { TableCursor, WordMerge, WordRunReader, WordRunWriter, compareRanges, type WordCountCursor } from './wordrun.ts';
import { recordBytes, recordLength, recordStart } from './wordrecord.ts';

export interface WordCounterOptions {
  /** Byte budget for the table and the run I/O buffers (default DEFAULT_MEMORY, 256 MiB; Node itself adds ~45 MB). */
  memory?: number;
  /** Where the private spill directory is made (default os.tmpdir()). */
  tmpDir?: string;
  /** Most runs merged at once (≥ 2, default 64); more runs are merged in passes. Lowered under `ulimit -n`. */
  fanIn?: number;
  /**
   * An existing directory to write the runs into instead of a private one made here, or a function that
   * gives it at the first spill; its owner removes it (dispose() only closes the runs). Used by
   * ParallelWordCounter, whose counters share one directory, made only once one of them spills.
   */
  runDir?: string | (() => string);
  /** Prefix of this counter's run names inside `runDir` (counters sharing a directory need different ones). */
  runPrefix?: string;
  /** Called with true before each spill of the table while counting, and with false after it. */
  onSpill?: (spilling: boolean) => void;
}

export interface WordCounterStats {
  bytes: number;
  words: number;
  /** Runs written to disk (spills and intermediate merges not counted: see mergePasses). */
  spills: number;
  mergePasses: number;
}

/** The project's one default budget (plumbing/sizes.ts), under the name the word counters export. */
export const DEFAULT_WORDCOUNT_MEMORY = DEFAULT_MEMORY;
const DEFAULT_FAN_IN = 64;

export class WordCounter {
  readonly stats: WordCounterStats = { bytes: 0, words: 0, spills: 0, mergePasses: 0 };
  readonly #table: WordTable;
  readonly #scanner: WordScanner;
  readonly #parent: string | undefined;
  readonly #ownsDir: boolean;
  readonly #prefix: string;
  readonly #readBytes: number;
  readonly #onSpill: ((spilling: boolean) => void) | undefined;
  readonly #writeBuf: Buffer;
  /** fanIn read buffers, one allocation made at the first merge and reused by every merge after it. */
  #readBufs: Buffer[] | undefined;
  #fanIn: number;
  #dir: string | undefined;
  /** Gives the owner's shared run directory at the first spill (options.runDir as a function). */
  readonly #sharedDir: (() => string) | undefined;
  #runs: string[] = [];
  /**
   * Once ranges are set (splitRanges): range r holds the words from splits[r - 1] (included) to splits[r]
   * (excluded), and every spill writes one run per range, named for it (#newRun).
   */
  #splits: Buffer[] | undefined;
  /** After finishRange(): the table's words of this counter's own range, sorted. */
  #held: WordCountCursor | undefined;
  #names = 0;
  #cursor: WordCountCursor | undefined;
  /** The run readers of the merge in progress (closed by dispose()). */
  #openReaders: WordRunReader[] | undefined;
  #finished = false;
  #disposed = false;

  constructor(options: WordCounterOptions = {}) {
    const memory = Math.max(1, options.memory ?? DEFAULT_WORDCOUNT_MEMORY);
    const fanIn = Math.floor(options.fanIn ?? DEFAULT_FAN_IN);
    if (!(fanIn >= 2)) throw new RangeError(`mrpipe: WordCounter fanIn must be at least 2, got ${options.fanIn}`);
    this.#fanIn = fanIn;
    this.#parent = options.tmpDir;
    this.#dir = typeof options.runDir === 'string' ? options.runDir : undefined;
    this.#sharedDir = typeof options.runDir === 'function' ? options.runDir : undefined;
    this.#ownsDir = options.runDir === undefined;
    this.#prefix = options.runPrefix ?? '';
    this.#onSpill = options.onSpill;
    // The merge's read buffers and the run writer's buffer come out of the budget; the table gets the rest
    // (at least half: tiny budgets shrink the buffers instead).
    this.#readBytes = Math.min(64 * 1024, Math.max(1024, Math.floor(memory / 4 / fanIn)));
    const writeBytes = Math.min(256 * 1024, Math.max(1024, Math.floor(memory / 8)));
    this.#writeBuf = Buffer.allocUnsafeSlow(writeBytes);
    // The table touches all of its limit (its slots are spread over it): 4/5 of the rest keeps Node's own
    // heap and the merge's buffers inside the budget.
    const rest = memory - fanIn * this.#readBytes - writeBytes;
    const tableLimit = Math.max(Math.floor(rest * 0.8), Math.floor(memory / 2), 256);
    this.#table = new WordTable(tableLimit);
    this.#scanner = new WordScanner(this.#table, () => this.#spill());
  }

  /** The private spill directory, once the first run has been written (removed by dispose()). */
  get tempDir(): string | undefined {
    return this.#dir;
  }

  /** Counts the words of a chunk of text (a word may continue into the next chunk). */
  write(chunk: Buffer): void {
    if (this.#finished) throw new Error('mrpipe: WordCounter.write() after finish()');
    this.#scanner.write(chunk);
    this.stats.bytes += chunk.length;
  }

  /**
   * The input has ended: returns a cursor over (word, count) in byte order of the word, one per distinct
   * word. Reaching its end (or closing it) removes the temp dir.
   */
  finish(): WordCountCursor {
    this.#cursor = new DisposingCursor(mergeOf(this.#finishSources()), () => this.dispose());
    return this.#cursor;
  }

  /**
   * The input has ended: the sorted sources of the counts — the runs left after any merge passes the fan-in
   * needs, and the table, sorted in memory (it joins the last merge without being written).
   */
  #finishSources(): WordCountCursor[] {
    if (this.#finished) throw new Error('mrpipe: WordCounter.finish() called twice');
    this.#finished = true;
    this.#scanner.end();
    this.stats.words = this.#scanner.words;
    const last = new TableCursor(this.#table, this.#table.sortedOrder());
    const merged = this.#mergeDown(this.#runs, true);
    this.#runs = [];
    return [...merged, last];
  }

  /**
   * Readers on `runs`, merged in passes down to the fan-in (one place kept for a held table when `held`),
   * with the fd-limit fallback of the one planner (mergeRuns).
   */
  #mergeDown(runs: string[], held: boolean): WordRunReader[] {
    if (runs.length === 0) return [];
    const { merged, fanIn, passes } = mergeRuns(runs, { fanIn: this.#fanIn, held }, {
      merge: (group) => this.#mergeGroup(group),
      open: (files) => this.#open(files),
    });
    this.#fanIn = fanIn;
    this.stats.mergePasses += passes;
    return merged;
  }

  /**
   * A sample of the table's words at `fractions` (0-1, ascending) of their byte order: the bounds of ranges
   * of about those shares of the words (ParallelWordCounter's ranges; a table of one part of a text
   * samples all of it well enough). Fewer bounds when the table holds too few distinct words.
   */
  sampleBounds(fractions: number[]): Buffer[] {
    const t = this.#table;
    const arena = t.arena;
    const step = Math.max(1, Math.floor(t.size / 4096));
    const words: Buffer[] = [];
    let i = 0;
    for (let r = 0; r < t.used >> 2; r += recordBytes(recordLength(arena, r)) >> 2) {
      if (i++ % step !== 0) continue;
      const s = recordStart(arena, r);
      words.push(Buffer.from(arena.subarray(s, s + recordLength(arena, r))));
    }
    words.sort(Buffer.compare);
    const bounds: Buffer[] = [];
    for (const f of fractions) {
      const w = words[Math.min(words.length - 1, Math.floor(f * words.length))];
      if (w !== undefined && w.length > 0 && (bounds.length === 0 || Buffer.compare(w, bounds[bounds.length - 1]) > 0)) bounds.push(w);
    }
    return bounds;
  }

  /**
   * From now on each spill writes one run per range of words (see #splits; `splits` ascending): the runs of
   * range r are `<prefix>r<r>-run-*.wc`, for the thread that merges range r (finishRange, rangeCursor).
   * Runs already written are split the same way.
   */
  splitRanges(splits: Buffer[]): void {
    if (this.#finished || this.#splits !== undefined) throw new Error('mrpipe: WordCounter.splitRanges() called twice or after finish()');
    this.#splits = splits;
    if (this.#runs.length === 0) return;
    // Spilled before the ranges were known (a small budget): one pass writes them out again by range.
    const merged = this.#mergeDown(this.#runs, false);
    const cursor = mergeOf(merged);
    let w: WordRunWriter | undefined;
    let r = 0;
    try {
      while (cursor.advance()) {
        while (r < splits.length && compareRanges(cursor.buf, cursor.start, cursor.end, splits[r], 0, splits[r].length) >= 0) {
          w?.close();
          w = undefined;
          r++;
        }
        w ??= new WordRunWriter(this.#newRun(r), this.#writeBuf);
        w.write(cursor.buf, cursor.start, cursor.end, cursor.count);
      }
      w?.close();
    } catch (err) {
      cursor.close();
      w?.abort();
      throw err;
    } finally {
      this.#openReaders = undefined;
    }
    // The runs read: those spilled, or what merge passes left of them.
    for (const f of [...this.#runs, ...merged.map((m) => m.path)]) removeRun(f);
    this.#runs = [];
  }

  /**
   * The input has ended (after splitRanges): writes the table's words of every range but `mine` as runs of
   * those ranges, and keeps its words of range `mine`, sorted, for rangeCursor().
   */
  finishRange(mine: number): void {
    if (this.#finished || this.#splits === undefined) throw new Error('mrpipe: WordCounter.finishRange() without splitRanges(), or twice');
    this.#finished = true;
    this.#scanner.end();
    this.stats.words = this.#scanner.words;
    const order = this.#table.sortedOrder();
    const cuts = this.#writeRanges(order, mine);
    // Fewer bounds than threads (too few words sampled): this thread's range is empty.
    this.#held = new TableCursor(this.#table, mine < cuts.length - 1 ? order.subarray(cuts[mine], cuts[mine + 1]) : order.subarray(0, 0));
  }

  /**
   * Range `mine` merged (after finishRange, once every counter sharing the directory has written its runs
   * of it): the runs of the range in the directory, this counter's and the others', merged down to the
   * fan-in, and the table's part. The caller disposes this counter.
   */
  rangeCursor(mine: number): WordCountCursor {
    const held = this.#held;
    if (held === undefined) throw new Error('mrpipe: WordCounter.rangeCursor() before finishRange()');
    const dir = this.#dir ?? this.#sharedDir?.();
    const runs = dir === undefined ? [] : fs.readdirSync(dir).filter((f) => rangeOfRun(f) === mine).map((f) => path.join(dir, f));
    return mergeOf([...this.#mergeDown(runs, true), held]);
  }

  /** Writes the table's words in `order` as a run per range, but range `except`; returns the ranges' cuts. */
  #writeRanges(order: Uint32Array, except: number): number[] {
    const cuts = this.#cuts(order);
    for (let r = 0; r < cuts.length - 1; r++) {
      if (r !== except && cuts[r + 1] > cuts[r]) this.#writeRun(order.subarray(cuts[r], cuts[r + 1]), r);
    }
    return cuts;
  }

  /** Where each range starts in `order` (sorted records of the table), and its end: splits.length + 2 cuts. */
  #cuts(order: Uint32Array): number[] {
    const splits = this.#splits as Buffer[];
    const arena = this.#table.arena;
    const cuts = [0];
    for (const split of splits) {
      // The first record not below the split (binary search; records are sorted).
      let lo = cuts[cuts.length - 1];
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const s = recordStart(arena, order[mid]);
        if (compareRanges(arena, s, s + recordLength(arena, order[mid]), split, 0, split.length) < 0) lo = mid + 1;
        else hi = mid;
      }
      cuts.push(lo);
    }
    cuts.push(order.length);
    return cuts;
  }

  /** Closes the runs and removes the temp dir (safe to call more than once, and mid-input). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#finished = true;
    this.#openReaders?.forEach((r) => r.close());
    if (this.#dir !== undefined && this.#ownsDir) removeTempDir(this.#dir);
  }

  /** A new run's path: of range `range` (`<prefix>r<range>-run-*.wc`, found by rangeCursor), or this counter's own. */
  #newRun(range?: number): string {
    this.#dir ??= this.#sharedDir ? this.#sharedDir() : makeTempDir(this.#parent, 'mrpipe-wc-');
    const r = range === undefined ? '' : `r${range}-`;
    return path.join(this.#dir, `${this.#prefix}${r}run-${String(this.#names++).padStart(5, '0')}.wc`);
  }

  /**
   * Spills the table now if it is at least `fullness` (0-1) full: for a thread that would otherwise wait
   * (ParallelWordCounter: while another thread spills, a spill here costs no time). True if it spilled.
   */
  spillEarly(fullness: number): boolean {
    if (this.#finished || this.#table.size === 0 || this.#table.fullness < fullness) return false;
    this.#spill();
    return true;
  }

  #spill(): void {
    const table = this.#table;
    this.#onSpill?.(true);
    try {
      const order = table.sortedOrder();
      if (this.#splits === undefined) this.#runs.push(this.#writeRun(order));
      else this.#writeRanges(order, -1);
    } finally {
      this.#onSpill?.(false);
    }
    table.clear();
  }

  /** Writes the table's entries in `order` as a new run (of range `range`, if given). */
  #writeRun(order: Uint32Array, range?: number): string {
    if (this.#disposed) throw new Error('mrpipe: WordCounter used after dispose()');
    const table = this.#table;
    const w = new WordRunWriter(this.#newRun(range), this.#writeBuf);
    try {
      w.writeTable(table.arena, table.counts, order);
      w.close();
    } catch (err) {
      w.abort();
      throw err;
    }
    this.stats.spills++;
    return w.path;
  }

  /** The merge's read buffers: allocated once (garbage buffers outside V8's heap are freed late). */
  #readBuffers(): Buffer[] {
    if (this.#readBufs === undefined) {
      const all = Buffer.allocUnsafeSlow(this.#fanIn * this.#readBytes);
      this.#readBufs = [];
      for (let i = 0; i < this.#fanIn; i++) this.#readBufs.push(all.subarray(i * this.#readBytes, (i + 1) * this.#readBytes));
    }
    return this.#readBufs;
  }

  /** Readers on `files`, or undefined when the fd limit stopped them (none left open). */
  #open(files: string[]): WordRunReader[] | undefined {
    const bufs = this.#readBuffers();
    const readers = openAll(files, (f, i) => new WordRunReader(f, bufs[i]));
    if (readers) this.#openReaders = readers;
    return readers;
  }

  /** The merge planner's kernel: merges a group of runs (summing counts) into a new run and removes them. */
  #mergeGroup(group: string[]): string | undefined {
    const readers = this.#open(group);
    if (!readers) return undefined;
    const merge = new WordMerge(readers);
    let w: WordRunWriter;
    try {
      w = new WordRunWriter(this.#newRun(), this.#writeBuf);
    } catch (err) {
      merge.close(); // e.g. the run file itself could not be opened
      throw err;
    }
    try {
      while (merge.advance()) w.write(merge.buf, merge.start, merge.end, merge.count);
      w.close();
    } catch (err) {
      merge.close();
      w.abort();
      throw err;
    }
    for (const f of group) removeRun(f);
    return w.path;
  }
}

/** The range of a run file named by #newRun(range), or -1 (a counter's own run, a merge pass's). */
function rangeOfRun(name: string): number {
  const m = /(?:^|-)r(\d+)-run-\d+\.wc$/.exec(name);
  return m === null ? -1 : Number(m[1]);
}

/** One cursor over sorted sources: the source itself when there is one. */
function mergeOf(sources: WordCountCursor[]): WordCountCursor {
  return sources.length === 1 ? sources[0] : new WordMerge(sources);
}

function removeRun(file: string): void {
  fs.rmSync(file, { force: true });
}

/** A cursor that calls `onEnd` (removing the temp dir) when it reaches its end or is closed. */
export class DisposingCursor implements WordCountCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  count = 0;
  readonly #src: WordCountCursor;
  readonly #onEnd: () => void;

  constructor(src: WordCountCursor, onEnd: () => void) {
    this.#src = src;
    this.#onEnd = onEnd;
    this.buf = src.buf;
  }

  advance(): boolean {
    const s = this.#src;
    if (!s.advance()) {
      this.#onEnd();
      return false;
    }
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.count = s.count;
    return true;
  }

  close(): void {
    this.#src.close();
    this.#onEnd();
  }
}
