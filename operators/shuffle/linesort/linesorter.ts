// External sort of lines as bytes, byte order (LC_ALL=C sort with no keys): lines are copied into one
// arena buffer with their offsets in typed arrays, sorted by an MSD radix sort over the offsets, and
// spilled as run files straight from the arena; the merge compares raw bytes. No string per line is ever
// made, so what is held is exactly the arena plus 18 bytes of offsets and sort scratch per line — the
// budget is honest and the V8 heap stays small (no GC work proportional to the input).
import fs from 'node:fs';
import path from 'node:path';
import { groupScratch, sortScratch, type ShareGroups, type SortScratch } from './bytesort.ts';
import { LineBuffer } from './line-buffer.ts';
import { DiskFullError } from '../runs/errors.ts';
import { freeNow, growBuffer } from '../../lines/byte-carry.ts';
import { collectGarbage } from '../gc.ts';
import { sortedArena, type SortedLines } from './runsort.ts';
import { SortThread, type WorkerFailure } from './sort-thread.ts';
import { DEFAULT_FAN_IN } from '../runs/merge.ts';
import { LineMerge, LineRunReader, LineRunWriter, UniqueLines, writeStrings, type LineCursor } from './linerun.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { isFdLimit, openAll } from '../runs/fdlimit.ts';

export { lineChunks } from './line-chunks.ts';
import { mergeRuns } from '../runs/merge-plan.ts';
import { BeforeSplitter, pickSplitter } from './splitter.ts';
import { lineChunks } from './line-chunks.ts';

export { LINE_OVERHEAD } from './line-overhead.ts';
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
/**
 * Lines below which this thread's sort of a buffer keeps its groups: handing some to the idle worker costs
 * a message, and a small sort is over before the worker would start on them.
 */
const MIN_SHARE = 16384;
/** Lines left in a shared sort's groups below which none are handed over (a message costs ~0.1 ms). */
const MIN_GIVE = 4096;
/** Lines sampled per buffer spilled, their bytes kept (at most), and samples kept in all. */
const SAMPLES_PER_RUN = 32;
const SAMPLE_BYTES = 64;
const MAX_SAMPLES = 4096;
/**
 * Share of the lines this thread merges in a split final merge: it also copies the worker's text, as the
 * worker writes it.
 */
const SPLIT_FRACTION = 0.5;
/**
 * Runs merged at once when both threads merge the final runs (LINE_FAN_IN otherwise). 64 spares 300 MB
 * of real text (~46 runs) the pass before the final merge, which runs on one thread while the other waits:
 * 0.6 s less CPU of 6.6, for one more loser-tree level per line.
 */
const SPLIT_FAN_IN = 64;
/**
 * Bytes per read of the worker's text in a split final merge: a fresh buffer each (a write may still hold
 * it). 1 MiB ones cost 4× the system time of 256 KiB ones (each is mapped and unmapped anew).
 */
const COPY_BYTES = 1 << 18;

export interface LineSorterOptions {
  /** Bytes held before a run is spilled: line bytes + LINE_OVERHEAD per line. Default DEFAULT_MEMORY (256 MiB). */
  memory?: number;
  /** An existing directory under which the private run directory is made at the first spill. Default os.tmpdir(). */
  tmpDir?: string;
  /** Runs merged at once (≥ 2, default 16). */
  fanIn?: number;
  /** Descending byte order (-r). */
  reverse?: boolean;
  /** Keep one of each run of identical lines (-u). */
  unique?: boolean;
  /** Called after each run file is written (for counters / progress). Default: none. */
  onSpill?: (info: { file: string; records: number; bytes: number }) => void;
  /**
   * A helper thread sorts part of each buffer and writes its run while the next buffer fills (two
   * buffers; the worker's own ~20 MB is counted against the budget), merges every other merge-pass group,
   * and takes half of finishChunks()' final merge.
   * Default false: with no idle core it costs CPU and gains nothing (docs/ENGINES.md); `mrpipe sort`
   * turns it on as GNU's --parallel. Falls back to the calling thread if the worker cannot start.
   */
  threads?: boolean;
  /**
   * Cap on the bytes of one buffer / run (default 16 MiB). Smaller runs sort faster (the radix sort's
   * random reads stay in cache) but make more runs to merge; 16 MiB measured ~10-13% less CPU than 64
   * at 100 MB, 200 MB and 1 GB under a 64 MB budget (docs/ENGINES.md).
   */
  runBytes?: number;
  /**
   * A program each run is written through and read back through with `-d` (sort --compress-program;
   * plumbing/run-file.ts). The runs then stay on this thread: `threads` is ignored.
   */
  compressProgram?: string;
}


export interface LineSorterStats {
  records: number;
  runs: number;
  bytesSpilled: number;
  mergePasses: number;
  /** Merge-pass groups merged on the worker thread (threaded mode). */
  workerMerges?: number;
  /** finishChunks() split the final merge over both threads (threaded mode). */
  splitFinal?: boolean;
  /** Buffers whose sort the worker joined, sorting some of their groups (threaded mode). */
  sharedSorts?: number;
}

export class LineSorter extends LineBuffer {
  readonly stats: LineSorterStats;
  private readonly opts: LineSorterOptions;
  private readonly memory: number;
  /** Runs merged at once; lowered (halved, down to 2) when the fd limit will not let them all open. */
  private fanIn: number;
  private ioFanIn: number;
  /** Both threads merge at once (a split final merge ahead): their readers share what the worker leaves. */
  private twoMerging = false;
  private scratch: SortScratch | undefined;
  private writeBuf: Buffer | undefined;
  private readBufs: Buffer[] = [];
  private dir: string | undefined;
  private runs: string[] = [];
  private nextRun = 0;
  private readonly open = new Set<LineCursor>();
  // threaded mode: two shared arenas, the worker, its status block and the run it is writing
  private threaded: boolean;
  private arenas: SharedArrayBuffer[] = [];
  private cur = 0;
  private readonly thread = new SortThread();
  /** The run the worker is writing. */
  private pending: string | undefined;
  /** The merge-pass group the worker is merging, and into which file. */
  private pendingMerge: { group: string[]; file: string } | undefined;
  /** Worker merges that hit the fd limit: their output file → the group, back among the runs unmerged. */
  private readonly unmerged = new Map<string, string[]>();
  /** Set when a worker merge hit the fd limit: the main thread merges alone from then on. */
  private noWorkerMerges = false;
  /** Threaded: each arena's sorted order and lcp, in shared memory (the worker sorts groups of them, writes runs from them). */
  private orders: Array<{ order: Uint32Array; lcp: Uint32Array }> = [];
  /** Threaded: the other arena's line offsets (shared memory; this arena's are `starts` and `lens`). */
  private otherIdx: { starts: Uint32Array; lens: Uint32Array } | undefined;
  /** Lines sampled from each buffer spilled (threaded): the split final merge's splitter comes from them. */
  private samples: Buffer[] = [];

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
  private ioBuffer(): number {
    const spare = this.twoMerging ? Math.max(0, this.memory - WORKER_COST) / 2 : Math.max(0, this.memory - this.limit);
    return Math.max(MIN_IO, Math.min(1 << 20, Math.floor(spare / (this.ioFanIn + 1))));
  }

  private runPath(): string {
    this.dir ??= makeTempDir(this.opts.tmpDir, 'mrpipe-sort-');
    return path.join(this.dir, `run-${String(this.nextRun++).padStart(6, '0')}`);
  }

  /** Write a run with `fill`, removing it (and the temp dir) on failure; the caller places the file among the runs. */
  private writeRun(fill: (w: LineRunWriter) => void): string {
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
  private sortedHeld(): SortedLines {
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
  private arenaOrder(): { order: Uint32Array; lcp: Uint32Array } {
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
  private sharedOffsets(): { starts: Uint32Array; lens: Uint32Array } {
    if (this.starts.buffer instanceof SharedArrayBuffer) return { starts: this.starts, lens: this.lens };
    return { starts: sharedCopy(this.starts, this.count), lens: sharedCopy(this.lens, this.count) };
  }

  /**
   * Threaded, while this thread sorts a shared arena: `give` hands the worker, whenever it is idle (its
   * run written), about half of the lines in the groups left, to sort into the same shared order and lcp;
   * `finish` waits for the last of them. Without it the worker idles while this thread sorts, after its
   * own buffer is done: two threads sorting, with one thread filling every buffer, finish unevenly.
   */
  private groupSharer(): { give: ShareGroups; finish: () => void } | undefined {
    const arena = this.data.buffer;
    const count = this.count;
    const scratch = this.scratch as SortScratch;
    if (!this.threaded || !this.thread.running || !(arena instanceof SharedArrayBuffer) || count < MIN_SHARE) return undefined;
    if (!(scratch.order.buffer instanceof SharedArrayBuffer)) return undefined;
    let given = false;
    let over = false;
    let shared = false;
    const collect = (): void => {
      if (!given) return;
      given = false;
      const r = this.thread.wait();
      if (r.failure) {
        this.dispose();
        throw failureError(r.failure);
      }
    };
    const give = (stack: number[]): void => {
      if (over || !this.thread.idle()) return;
      let total = 0;
      for (let i = 0; i < stack.length; i += 3) total += stack[i + 1] - stack[i];
      if (total < MIN_GIVE) {
        over = true; // the groups left only shrink
        return;
      }
      const groups: number[] = [];
      let kept = 0;
      let take = 0;
      for (let i = 0; i < stack.length; i += 3) {
        const g = stack[i + 1] - stack[i];
        if (take + g <= total / 2) {
          groups.push(stack[i], stack[i + 1], stack[i + 2]);
          take += g;
        } else {
          stack[kept++] = stack[i];
          stack[kept++] = stack[i + 1];
          stack[kept++] = stack[i + 2];
        }
      }
      if (take === 0) return; // one group holds most lines: its pass will split it
      stack.length = kept;
      collect();
      this.awaitWorker(); // the run it wrote, if any
      const { starts, lens } = this.sharedOffsets();
      if (!shared) this.stats.sharedSorts = (this.stats.sharedSorts ?? 0) + 1;
      shared = true;
      this.thread.post({ groups: Uint32Array.from(groups), arena, starts, lens, order: scratch.order, lcp: scratch.lcp, count });
      given = true;
    };
    return { give, finish: collect };
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
  private spillHeld(): void {
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
  private spawnWorker(): void {
    if (!this.thread.start()) this.threaded = false;
  }

  /** Wait for the run the worker is writing (if any), then account for it like a run written here. */
  private awaitWorker(): void {
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

  /** A reader for a run; `slot` picks one of fanIn reusable I/O buffers (a merge's i-th source). */
  private reader(file: string, slot: number): LineCursor {
    this.readBufs[slot] ??= Buffer.allocUnsafeSlow(this.ioBuffer());
    const r = new LineRunReader(file, this.ioBuffer(), this.readBufs[slot], this.opts.compressProgram);
    this.open.add(r);
    return r;
  }

  /** Readers for `files` (slots 0..n-1), or undefined when the fd limit stopped them (none left open). */
  private openRuns(files: readonly string[]): LineCursor[] | undefined {
    return openAll(files, (f, i) => this.reader(f, i));
  }

  /**
   * The merge planner's kernel: merges a group of consecutive runs into a new run, on the worker when it is
   * idle (its output file stands in the group's place; settle() puts the group back if the worker failed).
   */
  private mergeGroup(group: string[]): string | undefined {
    const onWorker = this.mergeOnWorker(group);
    if (onWorker !== undefined) return onWorker;
    const sources = this.openRuns(group);
    if (sources === undefined) return undefined;
    const m = new LineMerge(sources, !!this.opts.reverse);
    let out: string;
    try {
      out = this.writeRun((w) => {
        while (m.advance()) w.write(m.buf, m.start, m.end, m.lcp);
      });
    } catch (err) {
      for (const c of sources) c.close(); // e.g. the run file itself could not be opened
      throw err;
    }
    for (const f of group) fs.rmSync(f, { force: true });
    return out;
  }

  /** After a merge pass: waits for the worker's merge and puts back the groups of merges that failed there. */
  private settle(runs: string[]): string[] {
    this.collectMerge();
    if (this.unmerged.size === 0) return runs;
    const out = runs.flatMap((f) => this.unmerged.get(f) ?? [f]);
    this.unmerged.clear();
    return out;
  }

  /**
   * Threaded: hands a merge-pass group to the worker when it is idle (collecting the group it merged
   * before), so the two threads merge groups side by side. False when this thread must merge it.
   */
  private mergeOnWorker(group: string[]): string | undefined {
    if (!this.thread.running || this.noWorkerMerges) return undefined;
    // Still booting (a small input got here first): worth a short wait, the passes take far longer.
    if (!this.thread.booted(5000)) this.noWorkerMerges = true;
    if (!this.thread.idle()) return undefined;
    this.collectMerge();
    if (this.noWorkerMerges) return undefined;
    const file = this.runPath();
    this.thread.post({ merge: group, file, ioSize: this.ioBuffer(), reverse: !!this.opts.reverse });
    this.pendingMerge = { group, file };
    return file;
  }

  /**
   * Waits for the worker's merge (if any) and adds its output to the runs. If it hit the fd limit its
   * group goes back among the runs unmerged (the worker removes inputs only after success) and this thread
   * merges alone from then on; any other failure is thrown.
   */
  private collectMerge(): void {
    const job = this.pendingMerge;
    if (job === undefined) return;
    const r = this.thread.wait();
    this.pendingMerge = undefined;
    if (r.failure) {
      const err = failureError(r.failure);
      if (isFdLimit(err)) {
        this.noWorkerMerges = true;
        this.unmerged.set(job.file, job.group);
        return;
      }
      this.dispose();
      throw err;
    }
    this.stats.bytesSpilled += r.bytes;
    this.stats.runs++;
    this.stats.workerMerges = (this.stats.workerMerges ?? 0) + 1;
    this.opts.onSpill?.({ file: job.file, records: r.records, bytes: r.bytes });
  }

  /** All lines, sorted: from memory if nothing was spilled, else the final merge. Call once. */
  finish(): LineCursor {
    return this.finalMerge(false).cursor;
  }

  /**
   * finish() as output text: the sorted lines, each ended by LF, in fresh chunks of about `chunkSize`
   * bytes. Threaded with runs on disk, the final merge runs on both threads: split at a splitter line
   * sampled from the input (splitter.ts), the worker merges the lines from it on into a text file in the
   * temp dir while this thread merges the lines before it straight out, then copies the worker's file. If
   * the worker fails (out of descriptors, disk), this thread merges the rest itself. Call once.
   */
  finishChunks(chunkSize = 1 << 18): Generator<Buffer, void, undefined> {
    const { cursor, split } = this.finalMerge(true);
    if (split === undefined) return lineChunks(cursor, chunkSize);
    const upper = path.join(this.dir as string, 'upper');
    const progress = new SharedArrayBuffer(8);
    this.thread.post({
      range: split.runs, splitter: split.splitter, file: upper, ioSize: this.ioBuffer(),
      reverse: !!this.opts.reverse, unique: !!this.opts.unique, progress,
    });
    return this.splitChunks(cursor, split.splitter, upper, new BigInt64Array(progress), chunkSize);
  }

  /**
   * The lines before `splitter` from `cursor`, then the worker's text file `upper`, read as the worker
   * writes it (`written`: its bytes so far). If the worker fails, the rest of `cursor` past what was read.
   */
  private *splitChunks(
    cursor: LineCursor, splitter: Buffer, upper: string, written: BigInt64Array, chunkSize: number,
  ): Generator<Buffer, void, undefined> {
    const lower = new BeforeSplitter(cursor, splitter, !!this.opts.reverse);
    yield* lineChunks(lower, chunkSize);
    let fd = -1;
    let read = 0;
    try {
      for (;;) {
        const done = this.thread.idle(); // before the count: a finished worker's count is final
        const have = Number(Atomics.load(written, 0));
        if (read < have) {
          if (fd < 0) fd = fs.openSync(upper, 'r');
          const buf = Buffer.allocUnsafeSlow(Math.min(COPY_BYTES, have - read)); // fresh: a write may still hold it
          const n = fs.readSync(fd, buf, 0, buf.length, read);
          read += n;
          yield buf.subarray(0, n);
        } else if (!done) {
          Atomics.wait(written, 0, BigInt(have), 100);
        } else {
          break;
        }
      }
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
    const r = this.thread.wait();
    this.stopWorker();
    fs.rmSync(upper, { force: true });
    if (r.failure) {
      // the worker's text is what the rest of the merge gives: go on from where it stopped
      yield* dropBytes(lineChunks(lower.rest(), chunkSize), read);
      return;
    }
    cursor.close();
  }

  /**
   * Ends the input and opens the final merge (after any merge passes). `split`: threaded with runs on
   * disk, everything is spilled and the worker kept for a split final merge over `split.runs`.
   */
  private finalMerge(split: boolean): { cursor: LineCursor; split?: { runs: string[]; splitter: Buffer } } {
    if (this.finished) throw new Error('mrpipe: LineSorter.finish() called twice');
    this.end();
    this.finished = true;
    if (this.runs.length === 0 && this.pending === undefined) return { cursor: this.sortedHeld() };
    split &&= this.threaded && this.thread.running && this.samples.length > 0;
    // When the runs fit one final merge, the last buffer is not spilled: it joins that merge from memory
    // (one run less written and read back; equal lines are equal bytes, so where it sits among the
    // sources cannot be observed). With merge passes ahead it is spilled and the arena released, so the
    // passes' read buffers do not come on top of a full arena; and so it is for a split final merge,
    // whose two threads both read every run.
    let held: LineCursor | undefined;
    const runs = this.runs.length + (this.pending === undefined ? 0 : 1);
    if (!split && this.count > 0 && runs < this.fanIn) held = this.sortedHeld(); // while the worker finishes its run
    else this.spill();
    this.awaitWorker();
    // With merge passes ahead, the worker stays to merge every other group of them.
    if (!split && (held || this.runs.length <= this.fanIn)) this.stopWorker();
    if (split) {
      // No buffer held: both threads' readers share the budget, and a wider final merge (unless a fan-in
      // was asked for) spares the merge pass that would run on one thread while the other waits.
      this.twoMerging = true;
      this.fanIn = this.ioFanIn = this.opts.fanIn ?? SPLIT_FAN_IN;
    }
    if (!held) {
      if (!this.arenas.some((a) => a === this.data.buffer)) freeNow(this.data);
      this.data = Buffer.alloc(0);
      this.arenas = [];
      this.orders = [];
      this.otherIdx = undefined;
      this.starts = new Uint32Array(0);
      this.lens = new Uint32Array(0);
      this.scratch = undefined;
      collectGarbage(); // the arena lives outside the heap: without a GC it stays resident through the passes
    }
    let last: string[] = [];
    const { merged: sources, fanIn, passes } = mergeRuns(this.runs, { fanIn: this.fanIn, held: !!held }, {
      merge: (group) => this.mergeGroup(group),
      open: (runs) => {
        last = runs;
        return this.openRuns(runs);
      },
      settle: (runs) => this.settle(runs),
    });
    this.runs = [];
    this.fanIn = fanIn;
    this.stats.mergePasses += passes + 1;
    if (held) sources.push(held);
    const m = new LineMerge(sources, !!this.opts.reverse);
    const cursor = this.opts.unique ? new UniqueLines(m) : m;
    // the worker may have stopped merging (fd limit) or not come up: then this thread merges alone
    const up = split && !this.noWorkerMerges && this.thread.booted(5000) && this.thread.idle();
    const splitter = up ? pickSplitter(this.samples, !!this.opts.reverse, SPLIT_FRACTION) : undefined;
    this.samples = [];
    if (splitter === undefined) {
      this.stopWorker();
      return { cursor };
    }
    this.stats.splitFinal = true;
    return { cursor, split: { runs: last, splitter } };
  }

  /**
   * Keeps a few lines of the held buffer (in input order: a systematic sample), cut to SAMPLE_BYTES, for
   * the split final merge's splitter. Past MAX_SAMPLES every other one goes.
   */
  private sample(): void {
    if (!this.threaded || this.count === 0) return;
    const step = Math.max(1, Math.floor(this.count / SAMPLES_PER_RUN));
    for (let i = step >> 1; i < this.count; i += step) {
      const s = this.starts[i];
      this.samples.push(Buffer.from(this.data.subarray(s, s + Math.min(this.lens[i], SAMPLE_BYTES))));
    }
    if (this.samples.length > MAX_SAMPLES) this.samples = this.samples.filter((_, i) => i % 2 === 0);
  }

  private stopWorker(): void {
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

/** `chunks` without their first n bytes. */
function* dropBytes(chunks: Iterable<Buffer>, n: number): Generator<Buffer, void, undefined> {
  for (const c of chunks) {
    if (n >= c.length) {
      n -= c.length;
      continue;
    }
    yield n > 0 ? c.subarray(n) : c;
    n = 0;
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

/** The error a worker's failure stands for (its message and code). */
function failureError(f: WorkerFailure): Error {
  return Object.assign(new Error(f.message), { code: f.code });
}
