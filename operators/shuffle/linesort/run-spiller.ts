// The LineSorter's input side: lines held in an arena buffer (LineBuffer), sorted and spilled as run files
// when it fills — on this thread, or threaded with two shared arenas, the sort worker writing one buffer's
// run (and sorting groups of the next) while this thread fills the other. The merge of the runs is
// linesorter.ts's; dispose() releases all of it.
import path from 'node:path';
import { groupScratch, sortScratch, type ShareGroups, type SortScratch } from './bytesort.ts';
import { LineBuffer } from './line-buffer.ts';
import { DiskFullError } from '../runs/errors.ts';
import { freeNow, growBuffer } from '../../lines/byte-carry.ts';
import { sortedArena, type SortedLines } from './runsort.ts';
import { failureError, SortThread } from './sort-thread.ts';
import { DEFAULT_FAN_IN } from '../runs/merge.ts';
import { LineRunWriter, writeStrings, type LineCursor } from './linerun.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { MIN_SHARE, shareGroups } from './group-sharer.ts';
import type { LineSorterOptions, LineSorterStats } from './linesorter-options.ts';

const MIN_ARENA = 1 << 20;
const DEFAULT_RUN_BYTES = 16 * 1024 * 1024;
/**
 * Threaded, two buffers are held at once: 12 MiB each kept peak RSS 9 MB lower than 16 (1 GB, 64 MB budget:
 * 147 vs 156 MiB; a bench run reached 168 MiB, past budget + 100 MB) for ~4% more time.
 */
const THREADED_RUN_BYTES = 12 * 1024 * 1024;
/**
 * Runs merged at once. 64 (one pass for 1 GB under 64 MB: ~80 runs) measured no faster than 16 with a
 * partial first pass (29.9 vs 29.5 s CPU, docs/ENGINES.md) and held 25 MB more of read buffers.
 */
const LINE_FAN_IN = DEFAULT_FAN_IN;
/** Smallest run read/write buffer (a wide merge under a small budget). */
const MIN_IO = 64 * 1024;
/**
 * What a sort worker thread costs in RSS, counted against the budget in threaded mode: ~20 MB measured for
 * an isolate running the built .js (one running .ts sources instantiates its own type stripper: ~41 MB).
 */
const WORKER_COST = 20 * 1024 * 1024;
/** Lines sampled per buffer spilled, their bytes kept (at most), and samples kept in all. */
const SAMPLES_PER_RUN = 32;
const SAMPLE_BYTES = 64;
const MAX_SAMPLES = 4096;

export abstract class RunSpiller extends LineBuffer {
  readonly stats: LineSorterStats;
  protected readonly opts: LineSorterOptions;
  protected readonly memory: number;
  /** Runs merged at once; lowered (halved, down to 2) when the fd limit will not let them all open. */
  protected fanIn: number;
  protected ioFanIn: number;
  /** Both threads merge at once (a split final merge ahead): their readers share what the worker leaves. */
  protected twoMerging = false;
  protected scratch: SortScratch | undefined;
  protected writeBuf: Buffer | undefined;
  protected readBufs: Buffer[] = [];
  protected dir: string | undefined;
  protected runs: string[] = [];
  protected nextRun = 0;
  protected readonly open = new Set<LineCursor>();
  // threaded mode: two shared arenas, the worker, its status block and the run it is writing
  protected threaded: boolean;
  protected arenas: SharedArrayBuffer[] = [];
  protected cur = 0;
  protected readonly thread = new SortThread();
  /** The run the worker is writing. */
  protected pending: string | undefined;
  /** The merge-pass group the worker is merging, and into which file. */
  protected pendingMerge: { group: string[]; file: string } | undefined;
  /** Threaded: each arena's sorted order and lcp, in shared memory (the worker sorts groups of them, writes runs from them). */
  protected orders: Array<{ order: Uint32Array; lcp: Uint32Array }> = [];
  /** Threaded: the other arena's line offsets (shared memory; this arena's are `starts` and `lens`). */
  protected otherIdx: { starts: Uint32Array; lens: Uint32Array } | undefined;
  /** Lines sampled from each buffer spilled (threaded): the split final merge's splitter comes from them. */
  protected samples: Buffer[] = [];

  constructor(options: LineSorterOptions = {}, stats?: LineSorterStats) {
    super();
    this.opts = options;
    this.memory = options.memory ?? DEFAULT_MEMORY;
    this.fanIn = options.fanIn ?? LINE_FAN_IN;
    this.ioFanIn = this.fanIn;
    if (!(this.fanIn >= 2)) throw new RangeError(`mrpipe: fanIn must be at least 2, got ${this.fanIn}`);
    if (!(this.memory > 0)) throw new RangeError(`mrpipe: memory must be positive, got ${this.memory}`);
    this.stats = stats ?? { records: 0, runs: 0, bytesSpilled: 0, mergePasses: 0 };
    this.threaded = (options.threads ?? false) && options.compressProgram === undefined;
  }

  /**
   * Bytes one buffer may hold: all of the budget; or, threaded, half of what is left after the worker's
   * own memory (a worker thread is a V8 isolate: ~20 MB of RSS), since two buffers are held at once.
   */
  protected get limit(): number {
    const cap = this.opts.runBytes ?? (this.threaded ? THREADED_RUN_BYTES : DEFAULT_RUN_BYTES);
    if (!this.threaded) return Math.min(cap, this.memory);
    const spare = this.memory - WORKER_COST;
    return Math.min(cap, Math.floor((spare >= this.memory / 2 ? spare : this.memory) / 2)); // tiny budgets: halves
  }

  get tempDir(): string | undefined {
    return this.dir;
  }

  /** Room for n more bytes in the arena. */
  protected growArena(n: number): void {
    // Threaded, the worker starts once the input outgrows a first MiB (or half a buffer) held in a plain
    // buffer: a small input is sorted here and starts no thread. Or once what is held passes half a
    // buffer: short lines fill one with their overhead before their bytes reach that MiB.
    const first = this.threaded ? Math.min(MIN_ARENA, this.limit >> 1) : MIN_ARENA;
    const start = this.threaded && this.arenas.length === 0 && this.used + n <= this.limit
      && (this.used + n > first || this.bytesHeld + n > this.limit >> 1);
    if (this.used + n > this.data.length || start) {
      if (start || (this.threaded && this.arenas.length > 0 && this.used + n <= this.limit)) {
        // a shared arena of the full buffer size, made once per side
        this.arenas[this.cur] ??= new SharedArrayBuffer(this.limit);
        this.spawnWorker(); // it boots while the first buffer fills
        const arena = Buffer.from(this.arenas[this.cur]);
        this.data.copy(arena, 0, 0, this.used);
        freeNow(this.data); // the small first buffer (a shared arena is never freed)
        this.data = arena;
        return;
      }
      // Small first (tiny inputs), then straight to the budget; past it (one line longer than the budget),
      // by doubling, so a huge line arriving in many chunks is not copied once per chunk. Pages of the
      // arena that are never written are never resident; the outgrown arena is freed at once.
      const step = this.data.length === 0 ? Math.min(first, this.memory) : this.data.length < this.memory ? this.memory : 2 * this.data.length;
      const size = Math.max(this.used + n, step);
      const shared = this.threaded && this.arenas.length > 0 && this.data.buffer === this.arenas[this.cur];
      if (shared || size <= this.memory) {
        // a plain Buffer up to the budget: the sort reads a resizable one's bytes about twice as slowly
        const bigger = Buffer.allocUnsafeSlow(size);
        this.data.copy(bigger, 0, 0, this.used);
        if (!shared) freeNow(this.data);
        this.data = bigger;
      } else {
        this.data = growBuffer(this.data, this.used, size);
      }
    }
  }

  /** One run's I/O buffer: fanIn readers + a writer share what the held buffer (which may join the final merge) leaves. */
  protected ioBuffer(): number {
    const spare = this.twoMerging ? Math.max(0, this.memory - WORKER_COST) / 2 : Math.max(0, this.memory - this.limit);
    return Math.max(MIN_IO, Math.min(1 << 20, Math.floor(spare / (this.ioFanIn + 1))));
  }

  protected runPath(): string {
    this.dir ??= makeTempDir(this.opts.tmpDir, 'mrpipe-sort-');
    return path.join(this.dir, `run-${String(this.nextRun++).padStart(6, '0')}`);
  }

  /** Write a run with `fill`, removing it (and the temp dir) on failure; the caller places the file among the runs. */
  protected writeRun(fill: (w: LineRunWriter) => void): string {
    const file = this.runPath();
    this.writeBuf ??= Buffer.allocUnsafeSlow(this.ioBuffer());
    const w = new LineRunWriter(file, this.ioBuffer(), this.writeBuf, this.opts.compressProgram);
    try {
      fill(w);
      w.close();
    } catch (err) {
      w.abort();
      this.dispose();
      throw err;
    }
    this.stats.bytesSpilled += w.bytes;
    this.stats.runs++;
    this.opts.onSpill?.({ file, records: w.records, bytes: w.bytes });
    return file;
  }

  /**
   * The held lines, sorted, as a cursor over the arena (valid until the next push). Threaded, the worker
   * sorts some of the groups when it falls idle meanwhile (groupSharer).
   */
  protected sortedHeld(): SortedLines {
    if (!this.threaded) {
      this.scratch = sortScratch(this.count, this.scratch);
      return sortedArena(this.data, this.starts, this.lens, this.count, !!this.opts.reverse, !!this.opts.unique, this.scratch);
    }
    const ol = this.arenaOrder();
    this.scratch = groupScratch(ol.order, ol.lcp, this.scratch);
    const share = this.groupSharer();
    const c = sortedArena(this.data, this.starts, this.lens, this.count, !!this.opts.reverse, !!this.opts.unique, this.scratch, share?.give);
    share?.finish();
    return c;
  }

  /** This arena's shared order and lcp, for at least the lines held. */
  protected arenaOrder(): { order: Uint32Array; lcp: Uint32Array } {
    let ol = this.orders[this.cur];
    if (ol === undefined || ol.order.length < this.count) {
      const n = Math.max(this.count, Math.ceil(1.25 * (ol?.order.length ?? 0)));
      ol = { order: sharedU32(n), lcp: sharedU32(n) };
      this.orders[this.cur] = ol;
    }
    return ol;
  }

  /** Threaded, the offsets are in shared memory, one pair per arena: the worker reads them as they are. */
  protected override indexArray(size: number): Uint32Array {
    return this.threaded ? sharedU32(size) : super.indexArray(size);
  }

  /** The held lines' offsets in shared memory (copied only if they are not: threads were turned off). */
  protected sharedOffsets(): { starts: Uint32Array; lens: Uint32Array } {
    if (this.starts.buffer instanceof SharedArrayBuffer) return { starts: this.starts, lens: this.lens };
    return { starts: sharedCopy(this.starts, this.count), lens: sharedCopy(this.lens, this.count) };
  }

  /** Threaded, while this thread sorts a shared arena: the worker sorts some of its groups (group-sharer.ts). */
  protected groupSharer(): { give: ShareGroups; finish: () => void } | undefined {
    const arena = this.data.buffer;
    const scratch = this.scratch as SortScratch;
    if (!this.threaded || !this.thread.running || !(arena instanceof SharedArrayBuffer) || this.count < MIN_SHARE) return undefined;
    if (!(scratch.order.buffer instanceof SharedArrayBuffer)) return undefined;
    return shareGroups(this.thread, arena, this.count, scratch, {
      prepare: () => {
        this.awaitWorker();
        return this.sharedOffsets();
      },
      fail: () => this.dispose(),
      shared: () => { this.stats.sharedSorts = (this.stats.sharedSorts ?? 0) + 1; },
    });
  }

  /**
   * Sort what is held and write it as a run (on the worker when threaded). The start of a line write() is
   * in the middle of stays, moved to the front of the arena.
   */
  spill(): void {
    if (this.count === 0) return;
    const partial = this.partial >= 0 ? this.takePartial() : undefined;
    this.spillHeld();
    if (this.data.length > this.memory) {
      // an arena grown past the budget for one huge line: freed now, not kept for the lines after it
      if (!(this.threaded && this.data.buffer === this.arenas[this.cur])) freeNow(this.data);
      this.data = this.threaded && this.arenas[this.cur] ? Buffer.from(this.arenas[this.cur]) : Buffer.alloc(0);
    }
    if (partial) {
      this.partial = 0;
      this.growArena(partial.length);
      partial.copy(this.data, 0);
      this.used = partial.length;
    }
  }

  /**
   * Sorts the held lines and writes their run. Threaded with a shared arena, this thread sorts it (the
   * worker sorting groups of it when idle) and the worker writes the run while this thread fills the
   * other arena: the worker has work while this thread fills, and this thread never waits for a sort.
   */
  protected spillHeld(): void {
    this.sample();
    const c = this.sortedHeld();
    const arena = this.arenas[this.cur];
    let posted = false;
    if (this.threaded && arena !== undefined && this.data.buffer === arena) {
      this.awaitWorker(); // the run of the other arena: written by now, as a rule
      if (this.thread.idle()) {
        const { starts, lens } = this.sharedOffsets();
        const { order, lcp } = this.orders[this.cur];
        const file = this.runPath();
        this.thread.post({
          arena, starts, lens, order, lcp, file, count: this.count, ioSize: this.ioBuffer(),
          reverse: !!this.opts.reverse, unique: !!this.opts.unique,
        });
        this.pending = file;
        this.cur ^= 1;
        this.data = this.arenas[this.cur] ? Buffer.from(this.arenas[this.cur]) : Buffer.alloc(0);
        // the offsets go with their arena: the worker reads these while the other pair fills
        const mine = { starts: this.starts, lens: this.lens };
        this.starts = this.otherIdx?.starts ?? new Uint32Array(0);
        this.lens = this.otherIdx?.lens ?? new Uint32Array(0);
        this.otherIdx = mine;
        posted = true;
      }
    }
    if (!posted) {
      this.runs.push(this.writeRun((w) => {
        while (c.advance()) w.write(c.buf, c.start, c.end, c.lcp);
      }));
      // back from an oversized private buffer (one very long line) to the shared arena
      if (this.threaded && this.arenas[this.cur] && this.data.buffer !== this.arenas[this.cur]) {
        freeNow(this.data);
        this.data = Buffer.from(this.arenas[this.cur]);
      }
    }
    this.used = 0;
    this.count = 0;
  }

  /** Start the sort worker (without waiting for it): called when the first shared arena is made. */
  protected spawnWorker(): void {
    if (!this.thread.start()) this.threaded = false;
  }

  /** Wait for the run the worker is writing (if any), then account for it like a run written here. */
  protected awaitWorker(): void {
    const file = this.pending;
    if (file === undefined) return;
    const r = this.thread.wait();
    this.pending = undefined;
    if (r.failure) {
      this.dispose();
      const f = r.failure;
      if (f.disk) throw new DiskFullError(file, f.written ?? 0, f.pending ?? 0, undefined);
      throw failureError(f);
    }
    this.stats.bytesSpilled += r.bytes;
    this.stats.runs++;
    this.runs.push(file);
    this.opts.onSpill?.({ file, records: r.records, bytes: r.bytes });
  }

  /** Add lines already in this sorter's order (strings, latin1) as one run, after spilling what is held. */
  addSortedStrings(sorted: readonly string[]): void {
    if (this.finished) throw new Error('mrpipe: LineSorter.addSortedStrings() after finish()');
    if (sorted.length === 0) return;
    this.spill();
    this.runs.push(this.writeRun((w) => writeStrings(w, sorted)));
  }

  /**
   * Keeps a few lines of the held buffer (in input order: a systematic sample), cut to SAMPLE_BYTES, for
   * the split final merge's splitter. Past MAX_SAMPLES every other one goes.
   */
  protected sample(): void {
    if (!this.threaded || this.count === 0) return;
    const step = Math.max(1, Math.floor(this.count / SAMPLES_PER_RUN));
    for (let i = step >> 1; i < this.count; i += step) {
      const s = this.starts[i];
      this.samples.push(Buffer.from(this.data.subarray(s, s + Math.min(this.lens[i], SAMPLE_BYTES))));
    }
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.filter((_, i) => i % 2 === 0);
  }

  protected stopWorker(): void {
    this.thread.stop();
    this.pending = undefined;
    this.pendingMerge = undefined;
  }

  /** Close readers, drop the arena, stop the worker, remove the temp dir (idempotent). */
  dispose(): void {
    this.stopWorker();
    this.arenas = [];
    this.orders = [];
    this.otherIdx = undefined;
    for (const c of this.open) c.close();
    this.open.clear();
    this.data = Buffer.alloc(0);
    this.starts = new Uint32Array(0);
    this.lens = new Uint32Array(0);
    this.scratch = undefined;
    this.writeBuf = undefined;
    this.readBufs = [];
    this.used = 0;
    this.count = 0;
    this.partial = -1;
    this.runs = [];
    if (this.dir !== undefined) {
      removeTempDir(this.dir);
      this.dir = undefined;
    }
  }
}

/** n zeros in shared memory. */
function sharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, n)));
}

/** The first n numbers of `src` in shared memory. */
function sharedCopy(src: Uint32Array, n: number): Uint32Array {
  const a = sharedU32(n);
  a.set(src.subarray(0, n));
  return a;
}
