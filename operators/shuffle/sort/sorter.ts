// The sync external sorter. push() buffers records until their estimated bytes reach `memory`, then sorts
// the buffer (prefix sort for byte-ordered keys, a stable comparator sort otherwise) and spills it as a
// run file. finish() returns the sorted records as a sync iterable: straight from memory when nothing was
// spilled (no file written), else a k-way merge of the runs after as many fan-in-limited passes as needed.
import fs from 'node:fs';
import path from 'node:path';
import { codecFor, type Codec, type RunBuffer } from '../runs/codec.ts';
import { collectGarbageAfterSpill } from '../gc.ts';
import { cursorOf, iterateCursor, type Cursor } from '../runs/cursor.ts';
import { DEFAULT_FAN_IN, mergeCursors } from '../runs/merge.ts';
import { makeOrder, type Order, type SortOptions } from './order.ts';
import { sortByKey } from './prefixsort.ts';
import { mergeNaturalRuns } from '../runs/natural-runs.ts';
import { RunReader, RunWriter } from '../runs/runfile.ts';
import { recordBytes } from './size.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { LineSorter } from '../linesort/linesorter.ts';
import { openAll } from '../runs/fdlimit.ts';
import { mergeRuns } from '../runs/merge-plan.ts';
import type { LineCursor } from '../linesort/linerun.ts';

/** The budget when none is given: one for the whole project (plumbing/sizes.ts says why). */
export { DEFAULT_MEMORY };

export interface SorterOptions<T> extends SortOptions<T> {
  /** Bytes of records to hold before spilling a run (estimated from what is held). Default DEFAULT_MEMORY (256 MiB). */
  memory?: number;
  /** Where the sorter's private temp dir is made (default os.tmpdir()). */
  tmpDir?: string;
  /** Runs merged at once (≥ 2, default 16); more runs take extra merge passes. */
  fanIn?: number;
  /** Run file codec; default picked from the first record (lines, pairs, JSON) and `encoding`. */
  codec?: Codec<T>;
  /** Byte estimate of one held record (default: recordBytes). */
  sizeOf?: (record: T) => number;
  /** Run a full GC after each spill so RSS tracks the budget (default true; once per MiB spilled under tiny budgets, see gc.ts). */
  gcAfterSpill?: boolean;
  /** Called after each run file is written (for counters / progress). */
  onSpill?: (info: { file: string; records: number; bytes: number }) => void;
  /** A program each run is written through and read back through with `-d` (sort --compress-program). */
  compressProgram?: string;
  /**
   * The byte-line fast path only (latin1 lines in plain byte order): a worker thread sorts part of each
   * buffer, writes its run and merges every other merge-pass group (LineSorter's `threads`; its isolate is
   * counted in `memory`). Default false: with no idle core it costs CPU and gains nothing. Ignored elsewhere.
   */
  threads?: boolean;
}

export interface SorterStats {
  records: number;
  runs: number;
  bytesSpilled: number;
  mergePasses: number;
  /** `threads`: merge-pass groups merged on the worker thread. */
  workerMerges?: number;
}

export class Sorter<T> {
  readonly stats: SorterStats = { records: 0, runs: 0, bytesSpilled: 0, mergePasses: 0 };
  private readonly opts: SorterOptions<T>;
  private readonly memory: number;
  /** Runs merged at once; lowered (halved, down to 2) when the fd limit will not let them all open. */
  private fanIn: number;
  private readonly ioFanIn: number;
  private readonly sizeOf: (r: T) => number;
  private order: Order<T> | undefined;
  private codec: Codec<T> | undefined;
  private buffer: T[] = [];
  private held = 0;
  private dir: string | undefined;
  private runs: string[] = [];
  private nextRun = 0;
  private readonly open = new Set<Cursor<T>>();
  private finished = false;
  /** Byte-line fast path (latin1 lines in plain byte order): lines live in an arena, never as strings. */
  private lines: LineSorter | undefined;
  /** The sorted sequence whose pieces pushSorted() is taking, where it starts in the buffer, its bytes held. */
  private segment: object | undefined;
  private segmentFrom = 0;
  private segmentHeld = 0;
  /** The run that sequence is being written to, once it outgrew segmentRunBytes(). */
  private segmentWriter: RunWriter<T> | undefined;

  constructor(options: SorterOptions<T> = {}) {
    this.opts = options;
    this.memory = options.memory ?? DEFAULT_MEMORY;
    this.fanIn = options.fanIn ?? DEFAULT_FAN_IN;
    this.ioFanIn = this.fanIn;
    if (!(this.fanIn >= 2)) throw new RangeError(`mrpipe: fanIn must be at least 2, got ${this.fanIn}`);
    if (!(this.memory > 0)) throw new RangeError(`mrpipe: memory must be positive, got ${this.memory}`);
    this.sizeOf = options.sizeOf ?? recordBytes;
    if (options.codec) this.codec = options.codec;
  }

  /** The temp dir, once a run was spilled. */
  get tempDir(): string | undefined {
    return this.lines ? this.lines.tempDir : this.dir;
  }

  push(record: T): void {
    if (this.segment !== undefined) this.endSegment();
    if (this.lines) {
      this.lines.pushString(record as unknown as string);
      return;
    }
    if (this.finished) throw new Error('mrpipe: Sorter.push() after finish()');
    if (this.order === undefined) {
      this.init(record);
      const lines = this.lines as LineSorter | undefined;
      if (lines) {
        lines.pushString(record as unknown as string);
        return;
      }
    }
    this.buffer.push(record);
    this.held += this.sizeOf(record);
    this.stats.records++;
    if (this.held >= this.memory) this.spill();
  }

  /** Push many records (a batch from a stream). */
  pushAll(records: readonly T[]): void {
    for (let i = 0; i < records.length; i++) this.push(records[i]);
  }

  /**
   * Push records that are the next piece of the sorted sequence `run` (sorted-batches.ts: combine's spills,
   * cut by partition): ascending in this sorter's order when it is the plain byte order of the key. Once a
   * sequence outgrows segmentRunBytes() it goes straight to a run file of its own — nothing held, sorted or
   * merged — as the runtime's collector writes its spills; a short one is held like any input. In any other
   * order the records are pushed as usual.
   */
  pushSorted(records: readonly T[], run: object): void {
    if (records.length === 0) return;
    if (this.finished) throw new Error('mrpipe: Sorter.push() after finish()');
    if (this.order === undefined) this.init(records[0]);
    const order = this.order as Order<T>;
    if (this.lines || !order.byteKey || order.descending || order.same || this.opts.key) {
      this.pushAll(records);
      return;
    }
    if (run !== this.segment) {
      this.endSegment();
      this.segment = run;
      this.segmentFrom = this.buffer.length;
      this.segmentHeld = 0;
    }
    const w = this.segmentWriter;
    if (w) {
      try {
        for (let i = 0; i < records.length; i++) w.write(records[i]);
      } catch (err) {
        this.dispose();
        throw err;
      }
      this.stats.records += records.length;
      return;
    }
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const bytes = this.sizeOf(r);
      this.buffer.push(r);
      this.held += bytes;
      this.segmentHeld += bytes;
      this.stats.records++;
      if (this.segmentHeld >= this.segmentRunBytes()) {
        this.openSegmentRun();
        this.pushSorted(records.slice(i + 1), run);
        return;
      }
      if (this.held >= this.memory) this.spill();
    }
  }

  /** A sorted sequence this long is written as a run of its own rather than held. */
  private segmentRunBytes(): number {
    return Math.min(1 << 20, this.memory / 4);
  }

  /** Spill what came before the current sequence (an earlier run: equal keys keep input order), then write the sequence to a run of its own. */
  private openSegmentRun(): void {
    const piece = this.buffer.slice(this.segmentFrom);
    this.buffer.length = this.segmentFrom;
    this.held -= this.segmentHeld;
    this.spill();
    const w = new RunWriter(this.runPath(), this.codec as Codec<T>, this.ioBuffer(), this.opts.compressProgram);
    this.segmentWriter = w;
    try {
      for (let i = 0; i < piece.length; i++) w.write(piece[i]);
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /** The sorted sequence ended: its run (if it has one) is complete; its records held (if not) stay held. */
  private endSegment(): void {
    this.segment = undefined;
    const w = this.segmentWriter;
    if (w === undefined) return;
    this.segmentWriter = undefined;
    try {
      w.close();
    } catch (err) {
      this.dispose();
      throw err;
    }
    this.runs.push(w.path);
    this.stats.runs++;
    this.stats.bytesSpilled += w.bytes;
    this.opts.onSpill?.({ file: w.path, records: w.records, bytes: w.bytes });
  }

  private init(sample: T): void {
    this.order = makeOrder(this.opts, sample);
    this.codec ??= codecFor(sample, this.opts.encoding);
    if (this.byteLines(sample)) {
      const o = this.opts;
      this.lines = new LineSorter(
        {
          memory: this.memory, tmpDir: o.tmpDir, fanIn: this.fanIn, reverse: o.reverse, unique: o.unique, onSpill: o.onSpill,
          compressProgram: o.compressProgram, threads: o.threads,
        },
        this.stats,
      );
    }
  }

  /**
   * Lines held as latin1 byte strings, sorted by plain byte order (optionally -r / -u): then whole-line
   * equality is byte equality, stability cannot be observed, and the LineSorter does it all on bytes.
   */
  private byteLines(sample: T): boolean {
    const o = this.opts;
    return typeof sample === 'string' && o.encoding === 'latin1' && !o.codec && !o.sizeOf && !o.key && !o.compare &&
      !o.numeric && !o.keys?.length && o.separator === undefined;
  }

  private sortBuffer(): T[] {
    const order = this.order as Order<T>;
    const buf = this.buffer;
    const key = order.byteKey;
    let sorted = !key ? buf.sort(order.compare)
      : (!order.descending && mergeNaturalRuns(buf, key)) || sortByKey(buf, key, order.descending);
    if (order.same) sorted = dedupe(sorted, order.same);
    return sorted;
  }

  private runPath(): string {
    this.dir ??= makeTempDir(this.opts.tmpDir, 'mrpipe-sort-');
    return path.join(this.dir, `run-${String(this.nextRun++).padStart(6, '0')}`);
  }

  private ioBuffer(): number {
    return Math.max(64 * 1024, Math.min(1 << 20, Math.floor(this.memory / (this.ioFanIn + 1))));
  }

  /** Write a sorted iterable as one run (removing it on failure). */
  private writeRun(records: Iterable<T>): string {
    const file = this.runPath();
    const w = new RunWriter(file, this.codec as Codec<T>, this.ioBuffer(), this.opts.compressProgram);
    try {
      for (const r of records) w.write(r);
      w.close();
    } catch (err) {
      w.abort();
      this.dispose();
      throw err;
    }
    this.stats.bytesSpilled += w.bytes;
    this.opts.onSpill?.({ file, records: w.records, bytes: w.bytes });
    return file;
  }

  /** Sort what is buffered and write it as a run. */
  spill(): void {
    if (this.lines) {
      this.lines.spill();
      return;
    }
    if (this.buffer.length === 0) return;
    const sorted = this.sortBuffer();
    const spilled = this.held;
    this.buffer = [];
    this.held = 0;
    this.segmentFrom = 0; // a sorted sequence being held goes on from an empty buffer
    this.segmentHeld = 0;
    this.runs.push(this.writeRun(sorted));
    this.stats.runs++;
    if (this.opts.gcAfterSpill !== false) collectGarbageAfterSpill(spilled);
  }

  /**
   * Add records that are already sorted (e.g. a combiner's spill) as one run, without re-sorting them.
   * What was buffered before is spilled first, so input order among equal records is kept.
   */
  addSortedRun(sorted: readonly T[]): void {
    if (this.finished) throw new Error('mrpipe: Sorter.addSortedRun() after finish()');
    if (sorted.length === 0) return;
    this.endSegment();
    if (this.order === undefined) this.init(sorted[0]);
    if (this.lines) {
      this.lines.addSortedStrings(sorted as unknown as string[]);
      return;
    }
    this.spill();
    this.runs.push(this.writeRun(sorted));
    this.stats.runs++;
  }

  private reader(file: string): RunReader<T> {
    return new RunReader(file, this.codec as Codec<T>, this.ioBuffer(), this.opts.compressProgram);
  }

  /** Readers for `files`, or undefined when the fd limit stopped them (none left open). */
  private openRuns(files: readonly string[]): Cursor<T>[] | undefined {
    return openAll(files, (f) => this.track(this.reader(f)));
  }

  /** The merge planner's kernel for this sorter's runs: a stable heap merge written as a new run. */
  private mergeGroup(group: string[]): string | undefined {
    const sources = this.openRuns(group);
    if (sources === undefined) return undefined;
    let out: string;
    try {
      out = this.writeRun(iterateCursor(mergeCursors(sources, (this.order as Order<T>).compare)));
    } catch (err) {
      for (const c of sources) c.close(); // e.g. the run file itself could not be opened
      throw err;
    }
    for (const f of group) removeRunFile(f);
    return out;
  }

  private track(c: Cursor<T>): Cursor<T> {
    this.open.add(c);
    return c;
  }

  /**
   * All records, sorted, as a sync iterable (and Cursor). Iterating it to the end disposes the sorter;
   * call dispose() if you stop early.
   */
  finish(): Cursor<T> & Iterable<T> {
    if (this.finished) throw new Error('mrpipe: Sorter.finish() called twice');
    this.endSegment();
    this.finished = true;
    const order = this.order;
    if (order === undefined) return endOf(cursorOf<T>([]), () => this.dispose());
    if (this.lines) return endOf(latin1Lines(this.lines.finish()) as unknown as Cursor<T>, () => this.dispose());
    let source: Cursor<T>;
    if (this.runs.length === 0) {
      const sorted = this.sortBuffer();
      this.buffer = [];
      this.held = 0;
      source = cursorOf(sorted);
    } else {
      this.spill();
      const { merged, fanIn, passes } = mergeRuns(this.runs, { fanIn: this.fanIn }, {
        merge: (group) => this.mergeGroup(group),
        open: (runs) => this.openRuns(runs),
      });
      this.fanIn = fanIn;
      this.stats.mergePasses += passes + 1;
      source = mergeCursors(merged, order.compare);
      if (order.same) source = dedupeCursor(source, order.same);
    }
    return endOf(source, () => this.dispose());
  }

  /** Close open run readers and remove the temp dir (idempotent). */
  dispose(): void {
    this.segmentWriter?.abort();
    this.segmentWriter = undefined;
    this.segment = undefined;
    this.lines?.dispose();
    for (const c of this.open) c.close();
    this.open.clear();
    this.buffer = [];
    this.held = 0;
    this.runs = [];
    if (this.dir !== undefined) {
      removeTempDir(this.dir);
      this.dir = undefined;
    }
  }
}

/** A line cursor's lines as latin1 strings. */
function latin1Lines(src: LineCursor): Cursor<string> {
  const c: Cursor<string> = {
    current: '',
    advance() {
      if (!src.advance()) return false;
      c.current = (src.buf as RunBuffer).latin1Slice(src.start, src.end);
      return true;
    },
    close: () => src.close(),
  };
  return c;
}

/** Runs are unlinked right after their merge pass so disk use stays about 1x the input. */
function removeRunFile(file: string): void {
  fs.rmSync(file, { force: true });
}

function dedupe<T>(sorted: T[], same: (a: T, b: T) => boolean): T[] {
  if (sorted.length < 2) return sorted;
  const out: T[] = [sorted[0]];
  let last = sorted[0];
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i];
    if (!same(last, r)) {
      out.push(r);
      last = r;
    }
  }
  return out;
}

/** Keep the first of each run of duplicates. */
function dedupeCursor<T>(src: Cursor<T>, same: (a: T, b: T) => boolean): Cursor<T> {
  let has = false;
  const c: Cursor<T> = {
    current: undefined as T,
    advance() {
      while (src.advance()) {
        if (!has || !same(c.current, src.current)) {
          has = true;
          c.current = src.current;
          return true;
        }
      }
      return false;
    },
    close: () => src.close(),
  };
  return c;
}

/** A cursor + iterable that runs `done` once, when exhausted or closed. */
function endOf<T>(src: Cursor<T>, done: () => void): Cursor<T> & Iterable<T> {
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    src.close();
    done();
  };
  const c = {
    current: undefined as T,
    advance(): boolean {
      if (ended) return false;
      if (src.advance()) {
        c.current = src.current;
        return true;
      }
      end();
      return false;
    },
    close: end,
    [Symbol.iterator](): Iterator<T> {
      return iterateCursor(c);
    },
  };
  return c;
}
