// External sort of lines as bytes, byte order (LC_ALL=C sort with no keys): lines are copied into one
// arena buffer with their offsets in typed arrays, sorted by an MSD radix sort over the offsets, and
// spilled as run files straight from the arena; the merge compares raw bytes. No string per line is ever
// made, so what is held is exactly the arena plus 18 bytes of offsets and sort scratch per line — the
// budget is honest and the V8 heap stays small (no GC work proportional to the input).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SCRATCH_PER_RANGE, sortScratch, type SortScratch } from './bytesort.ts';
import { DiskFullError } from './errors.ts';
import { freeNow, growBuffer } from '../lines/byte-carry.ts';
import { collectGarbage } from './gc.ts';
import { DONE, FAILED, RUNNING, STATUS_BYTES, sortedArena, type MergeJob, type SortedLines, type WorkerJob } from './runsort.ts';
import { DEFAULT_FAN_IN } from './merge.ts';
import { LineMerge, LineRunReader, LineRunWriter, UniqueLines, writeStrings, type LineCursor } from './linerun.ts';
import { DEFAULT_MEMORY } from '../../plumbing/sizes.ts';
import { makeTempDir, removeTempDir } from '../../plumbing/tempdirs.ts';
import { isFdLimit, openAll } from './fdlimit.ts';
import { mergeRuns } from './merge-plan.ts';

/** Bytes held per line besides its bytes: start + length (8), and the sort's order, scratch and packed key (16). */
export const LINE_OVERHEAD = 8 + SCRATCH_PER_RANGE;
const MIN_ARENA = 1 << 20;
const DEFAULT_RUN_BYTES = 16 * 1024 * 1024;
/**
 * Threaded, two buffers are held at once: 12 MiB each kept peak RSS 9 MB lower than 16 (1 GB, 64 MB budget:
 * 147 vs 156 MiB; a bench run reached 168 MiB, past budget + 100 MB) for ~4% more time.
 */
const THREADED_RUN_BYTES = 12 * 1024 * 1024;
/**
 * Runs merged at once. 64 (one pass for 1 GB under 64 MB: ~80 runs) measured no faster than 16 with a
 * partial first pass (29.9 vs 29.5 s CPU, docs/SHUFFLE.md) and held 25 MB more of read buffers.
 */
const LINE_FAN_IN = DEFAULT_FAN_IN;
/** Smallest run read/write buffer (a wide merge under a small budget). */
const MIN_IO = 64 * 1024;
/**
 * What a sort worker thread costs in RSS, counted against the budget in threaded mode: ~20 MB measured for
 * an isolate running the built .js (one running .ts sources instantiates its own type stripper: ~41 MB).
 */
const WORKER_COST = 20 * 1024 * 1024;

export interface LineSorterOptions {
  /** Bytes held before a run is spilled: line bytes + LINE_OVERHEAD per line. Default DEFAULT_MEMORY (256 MiB). */
  memory?: number;
  tmpDir?: string;
  /** Runs merged at once (≥ 2, default 16). */
  fanIn?: number;
  /** Descending byte order (-r). */
  reverse?: boolean;
  /** Keep one of each run of identical lines (-u). */
  unique?: boolean;
  onSpill?: (info: { file: string; records: number; bytes: number }) => void;
  /**
   * Sort and write runs on a helper thread while the next buffer fills (two buffers; the worker's own
   * ~16 MB is counted against the budget). Default false: on this project's shared 2-core machine it
   * cost 0.1-0.3 s more CPU and was not faster (docs/SHUFFLE.md); try it where a core is free. Falls back
   * to the calling thread if the worker cannot start.
   */
  threads?: boolean;
  /**
   * Cap on the bytes of one buffer / run (default 16 MiB). Smaller runs sort faster (the radix sort's
   * random reads stay in cache) but make more runs to merge; 16 MiB measured ~10-13% less CPU than 64
   * at 100 MB, 200 MB and 1 GB under a 64 MB budget (docs/SHUFFLE.md).
   */
  runBytes?: number;
}


export interface LineSorterStats {
  records: number;
  runs: number;
  bytesSpilled: number;
  mergePasses: number;
  /** Merge-pass groups merged on the worker thread (threaded mode). */
  workerMerges?: number;
}

export class LineSorter {
  readonly stats: LineSorterStats;
  private readonly opts: LineSorterOptions;
  private readonly memory: number;
  /** Runs merged at once; lowered (halved, down to 2) when the fd limit will not let them all open. */
  private fanIn: number;
  private readonly ioFanIn: number;
  private data: Buffer = Buffer.alloc(0);
  private used = 0;
  private starts = new Uint32Array(0);
  private lens = new Uint32Array(0);
  private count = 0;
  private scratch: SortScratch | undefined;
  private writeBuf: Buffer | undefined;
  private readBufs: Buffer[] = [];
  /** Arena offset where the line write() is in the middle of starts (its bytes so far up to `used`), or -1. */
  private partial = -1;
  private dir: string | undefined;
  private runs: string[] = [];
  private nextRun = 0;
  private readonly open = new Set<LineCursor>();
  private finished = false;
  // threaded mode: two shared arenas, the worker, its status block and the run it is writing
  private threaded: boolean;
  private arenas: SharedArrayBuffer[] = [];
  private cur = 0;
  private worker: Worker | undefined;
  private status: SharedArrayBuffer | undefined;
  private pending: string | undefined;
  /** The merge-pass group the worker is merging, and into which file. */
  private pendingMerge: { group: string[]; file: string } | undefined;
  /** Worker merges that hit the fd limit: their output file → the group, back among the runs unmerged. */
  private readonly unmerged = new Map<string, string[]>();
  /** Set when a worker merge hit the fd limit: the main thread merges alone from then on. */
  private noWorkerMerges = false;

  constructor(options: LineSorterOptions = {}, stats?: LineSorterStats) {
    this.opts = options;
    this.memory = options.memory ?? DEFAULT_MEMORY;
    this.fanIn = options.fanIn ?? LINE_FAN_IN;
    this.ioFanIn = this.fanIn;
    if (!(this.fanIn >= 2)) throw new RangeError(`mrpipe: fanIn must be at least 2, got ${this.fanIn}`);
    if (!(this.memory > 0)) throw new RangeError(`mrpipe: memory must be positive, got ${this.memory}`);
    this.stats = stats ?? { records: 0, runs: 0, bytesSpilled: 0, mergePasses: 0 };
    this.threaded = options.threads ?? false;
  }

  /**
   * Bytes one buffer may hold: all of the budget; or, threaded, half of what is left after the worker's
   * own memory (a worker thread is a V8 isolate: ~20 MB of RSS), since two buffers are held at once.
   */
  private get limit(): number {
    const cap = this.opts.runBytes ?? (this.threaded ? THREADED_RUN_BYTES : DEFAULT_RUN_BYTES);
    if (!this.threaded) return Math.min(cap, this.memory);
    const spare = this.memory - WORKER_COST;
    return Math.min(cap, Math.floor((spare >= this.memory / 2 ? spare : this.memory) / 2)); // tiny budgets: halves
  }

  get tempDir(): string | undefined {
    return this.dir;
  }

  /** Bytes held now (arena contents + per-line overhead). */
  get bytesHeld(): number {
    return this.used + LINE_OVERHEAD * this.count;
  }

  /** Make room for one more line of n bytes: spill if the budget would be passed, grow the arrays. */
  private reserve(n: number): void {
    if (this.finished) throw new Error('mrpipe: LineSorter push after finish()');
    if (this.count > 0 && this.used + n + LINE_OVERHEAD * (this.count + 1) > this.limit) this.spill();
    this.growArena(n);
    if (this.count === this.starts.length) this.growIndex();
  }

  /** Room for n more bytes in the arena. */
  private growArena(n: number): void {
    if (this.used + n > this.data.length) {
      if (this.threaded && this.used + n <= this.limit) {
        // a shared arena of the full buffer size, made once per side
        this.arenas[this.cur] ??= new SharedArrayBuffer(this.limit);
        this.spawnWorker(); // it boots while the first buffer fills
        const arena = Buffer.from(this.arenas[this.cur]);
        this.data.copy(arena, 0, 0, this.used);
        this.data = arena;
        return;
      }
      // Small first (tiny inputs), then straight to the budget; past it (one line longer than the budget),
      // by doubling, so a huge line arriving in many chunks is not copied once per chunk. Pages of the
      // arena that are never written are never resident; the outgrown arena is freed at once.
      const step = this.data.length === 0 ? Math.min(MIN_ARENA, this.memory) : this.data.length < this.memory ? this.memory : 2 * this.data.length;
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

  /** Room for more lines in the offset arrays. */
  private growIndex(): void {
    // Doubling: typed arrays are zero-filled (resident) when made, so never allocate the maximum up front.
    const size = Math.max(1024, 2 * this.count);
    const s = new Uint32Array(size);
    s.set(this.starts);
    this.starts = s;
    const l = new Uint32Array(size);
    l.set(this.lens);
    this.lens = l;
  }

  /** Add src[start, end) as one line (without its terminator). */
  pushBytes(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    const d = this.data;
    const at = this.used;
    src.copy(d, at, start, end);
    this.starts[this.count] = at;
    this.lens[this.count++] = n;
    this.used = at + n;
    this.stats.records++;
  }

  /** Add a latin1 (byte) string as one line. */
  pushString(line: string): void {
    const n = line.length;
    this.reserve(n);
    const at = this.used;
    (this.data as Buffer & { latin1Write(s: string, o: number): number }).latin1Write(line, at);
    this.starts[this.count] = at;
    this.lens[this.count++] = n;
    this.used = at + n;
    this.stats.records++;
  }

  /**
   * Raw text: split at LF (a CR stays part of its line, as in GNU sort). The tail of a chunk, a line not
   * ended yet, goes straight into the arena and grows there as the rest arrives: a huge line is held once.
   */
  write(chunk: Buffer): void {
    let s = 0;
    if (this.partial >= 0) {
      const nl = chunk.indexOf(10);
      this.appendPartial(chunk, 0, nl === -1 ? chunk.length : nl);
      if (nl === -1) return;
      this.endPartial();
      s = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= s) this.pushLines(chunk, s, last + 1);
    const tail = Math.max(s, last + 1);
    if (tail < chunk.length) {
      if (this.finished) throw new Error('mrpipe: LineSorter push after finish()');
      this.partial = this.used;
      this.appendPartial(chunk, tail, chunk.length);
    }
  }

  /** Adds src[s, e) to the line being written: spills the held lines first when it would pass the budget. */
  private appendPartial(src: Buffer, s: number, e: number): void {
    const n = e - s;
    if (this.count > 0 && this.used + n + LINE_OVERHEAD * (this.count + 1) > this.limit) this.spill();
    this.growArena(n);
    src.copy(this.data, this.used, s, e);
    this.used += n;
  }

  /** The line being written has ended: it becomes a held line. */
  private endPartial(): void {
    if (this.count === this.starts.length) this.growIndex();
    this.starts[this.count] = this.partial;
    this.lens[this.count++] = this.used - this.partial;
    this.stats.records++;
    this.partial = -1;
  }

  /**
   * Add the LF-terminated lines of src[s, e) with one bulk copy per batch (not one per line): the
   * terminators are copied too and counted as held bytes.
   */
  private pushLines(src: Buffer, s: number, e: number): void {
    if (this.finished) throw new Error('mrpipe: LineSorter push after finish()');
    while (s < e) {
      const base = s;
      const at = this.used;
      let p = s;
      let count = this.count;
      let starts = this.starts;
      let lens = this.lens;
      const limit = this.limit;
      while (p < e) {
        const nl = src.indexOf(10, p);
        if (count > 0 && at + (nl + 1 - base) + LINE_OVERHEAD * (count + 1) > limit) break;
        if (count === starts.length) {
          this.count = count;
          this.growIndex();
          starts = this.starts;
          lens = this.lens;
        }
        starts[count] = at + (p - base);
        lens[count++] = nl - p;
        p = nl + 1;
      }
      this.stats.records += count - this.count;
      this.count = count;
      if (p > base) {
        this.growArena(p - base);
        src.copy(this.data, at, base, p);
        this.used = at + (p - base);
      }
      s = p;
      if (s < e) this.spill();
    }
  }

  /** End of raw text: an unterminated last line is a line. */
  end(): void {
    if (this.partial >= 0) this.endPartial();
  }

  /** One run's I/O buffer: fanIn readers + a writer share what the held buffer (which may join the final merge) leaves. */
  private ioBuffer(): number {
    const spare = Math.max(0, this.memory - this.limit);
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
    const w = new LineRunWriter(file, this.ioBuffer(), this.writeBuf);
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

  /** The held lines, sorted, as a cursor over the arena (valid until the next push). */
  private sortedHeld(): SortedLines {
    this.scratch = sortScratch(this.count, this.scratch);
    return sortedArena(this.data, this.starts, this.lens, this.count, !!this.opts.reverse, !!this.opts.unique, this.scratch);
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
   * The bytes of the line being written, copied out of the arena before a spill. A spill happens only
   * while lines are held, and those passed the budget check, so this copy is within the budget.
   */
  private takePartial(): Buffer {
    const bytes = Buffer.from(this.data.subarray(this.partial, this.used));
    this.used = this.partial;
    this.partial = -1;
    return bytes;
  }

  private spillHeld(): void {
    if (this.threaded && this.data.buffer === this.arenas[this.cur] && this.workerIdle()) {
      this.awaitWorker(); // returns at once: the worker is idle
      const file = this.runPath();
      const job: WorkerJob = {
        arena: this.arenas[this.cur], starts: this.starts.slice(0, this.count), lens: this.lens.slice(0, this.count),
        status: this.status as SharedArrayBuffer, file, count: this.count, ioSize: this.ioBuffer(),
        reverse: !!this.opts.reverse, unique: !!this.opts.unique,
      };
      Atomics.store(new Int32Array(job.status, 0, 1), 0, RUNNING);
      this.pending = file;
      (this.worker as Worker).postMessage(job, [job.starts.buffer as ArrayBuffer, job.lens.buffer as ArrayBuffer]);
      this.cur ^= 1;
      this.data = this.arenas[this.cur] ? Buffer.from(this.arenas[this.cur]) : Buffer.alloc(0);
    } else {
      const c = this.sortedHeld();
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
    if (this.worker) return;
    const file = import.meta.url.endsWith('.ts') ? './sort-worker.ts' : './sort-worker.js';
    try {
      const status = new SharedArrayBuffer(STATUS_BYTES);
      const w = new Worker(new URL(file, import.meta.url));
      w.unref();
      w.on('error', () => {}); // a failure is seen through the status block (or the start timeout)
      w.postMessage({ hello: status });
      this.worker = w;
      this.status = status;
    } catch {
      this.threaded = false;
    }
  }

  /**
   * True when the worker is up and not busy. A busy or still booting worker is never waited for at a
   * spill: this thread sorts and writes that buffer itself, so both threads stay at work.
   */
  private workerIdle(): boolean {
    if (!this.worker) this.spawnWorker();
    if (!this.status) return false;
    const state = Atomics.load(new Int32Array(this.status, 0, 1), 0);
    return state !== 0 && state !== RUNNING;
  }

  /** Wait for the run the worker is writing (if any), then account for it like a run written here. */
  private awaitWorker(): void {
    const file = this.pending;
    if (file === undefined) return;
    const status = this.status as SharedArrayBuffer;
    const st = new Int32Array(status, 0, 2);
    const info = waitForWorker(status);
    this.pending = undefined;
    if (info) {
      this.dispose();
      if (info.disk) throw new DiskFullError(file, info.written ?? 0, info.pending ?? 0, undefined);
      throw Object.assign(new Error(info.message), { code: info.code });
    }
    if (st[0] !== DONE) throw new Error(`mrpipe: sort worker in unexpected state ${st[0]}`);
    const nums = new Float64Array(status, 8, 2);
    this.stats.bytesSpilled += nums[1];
    this.stats.runs++;
    this.runs.push(file);
    this.opts.onSpill?.({ file, records: nums[0], bytes: nums[1] });
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
    const r = new LineRunReader(file, this.ioBuffer(), this.readBufs[slot]);
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
    if (!this.worker || !this.status || this.noWorkerMerges) return undefined;
    const st = new Int32Array(this.status, 0, 1);
    // Still booting (a small input got here first): worth a short wait, the passes take far longer.
    if (Atomics.load(st, 0) === 0 && Atomics.wait(st, 0, 0, 5000) === 'timed-out') this.noWorkerMerges = true;
    const state = Atomics.load(st, 0);
    if (state === 0 || state === RUNNING) return undefined;
    this.collectMerge();
    if (this.noWorkerMerges) return undefined;
    const file = this.runPath();
    const job: MergeJob = { merge: group, file, ioSize: this.ioBuffer(), reverse: !!this.opts.reverse, status: this.status };
    Atomics.store(new Int32Array(this.status, 0, 1), 0, RUNNING);
    this.pendingMerge = { group, file };
    this.worker.postMessage(job);
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
    const status = this.status as SharedArrayBuffer;
    const info = waitForWorker(status);
    this.pendingMerge = undefined;
    if (info) {
      const err = Object.assign(new Error(info.message), { code: info.code });
      if (isFdLimit(err)) {
        this.noWorkerMerges = true;
        this.unmerged.set(job.file, job.group);
        return;
      }
      this.dispose();
      throw err;
    }
    const nums = new Float64Array(status, 8, 2);
    this.stats.bytesSpilled += nums[1];
    this.stats.runs++;
    this.stats.workerMerges = (this.stats.workerMerges ?? 0) + 1;
    this.opts.onSpill?.({ file: job.file, records: nums[0], bytes: nums[1] });
  }

  /** All lines, sorted: from memory if nothing was spilled, else the final merge. Call once. */
  finish(): LineCursor {
    if (this.finished) throw new Error('mrpipe: LineSorter.finish() called twice');
    this.end();
    this.finished = true;
    if (this.runs.length === 0 && this.pending === undefined) return this.sortedHeld();
    // When the runs fit one final merge, the last buffer is not spilled: it joins that merge from memory
    // (one run less written and read back; equal lines are equal bytes, so where it sits among the
    // sources cannot be observed). With merge passes ahead it is spilled and the arena released, so the
    // passes' read buffers do not come on top of a full arena.
    let held: LineCursor | undefined;
    const runs = this.runs.length + (this.pending === undefined ? 0 : 1);
    if (this.count > 0 && runs < this.fanIn) held = this.sortedHeld(); // while the worker finishes its run
    else this.spill();
    this.awaitWorker();
    // With merge passes ahead, the worker stays to merge every other group of them.
    if (held || this.runs.length <= this.fanIn) this.stopWorker();
    if (!held) {
      if (!this.arenas.some((a) => a === this.data.buffer)) freeNow(this.data);
      this.data = Buffer.alloc(0);
      this.arenas = [];
      this.starts = new Uint32Array(0);
      this.lens = new Uint32Array(0);
      this.scratch = undefined;
      collectGarbage(); // the arena lives outside the heap: without a GC it stays resident through the passes
    }
    const { merged: sources, fanIn, passes } = mergeRuns(this.runs, { fanIn: this.fanIn, held: !!held }, {
      merge: (group) => this.mergeGroup(group),
      open: (runs) => this.openRuns(runs),
      settle: (runs) => this.settle(runs),
    });
    this.runs = [];
    this.fanIn = fanIn;
    this.stopWorker();
    this.stats.mergePasses += passes + 1;
    if (held) sources.push(held);
    const m = new LineMerge(sources, !!this.opts.reverse);
    return this.opts.unique ? new UniqueLines(m) : m;
  }

  private stopWorker(): void {
    if (this.worker) void this.worker.terminate();
    this.worker = undefined;
    this.pending = undefined;
    this.pendingMerge = undefined;
  }

  /** Close readers, drop the arena, stop the worker, remove the temp dir (idempotent). */
  dispose(): void {
    this.stopWorker();
    this.arenas = [];
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

/** What the worker reports when a job failed (its status block's error text). */
interface WorkerFailure {
  disk?: boolean;
  written?: number;
  pending?: number;
  message: string;
  code?: string;
}

/** Waits while the worker's job runs; its failure, or undefined when it succeeded. */
function waitForWorker(status: SharedArrayBuffer): WorkerFailure | undefined {
  const st = new Int32Array(status, 0, 2);
  while (Atomics.load(st, 0) === RUNNING) Atomics.wait(st, 0, RUNNING);
  if (st[0] !== FAILED) return undefined;
  return JSON.parse(Buffer.from(status, 24, st[1]).toString()) as WorkerFailure;
}

/**
 * Newline-terminated output chunks of a line cursor (about `chunkSize` bytes each), for writing sorted
 * lines straight out without decoding them. A line of chunkSize bytes or more from a stable cursor is a
 * chunk of its own, a view of the cursor's buffer (its LF starts the next chunk). Each chunk is a fresh Buffer, unless `reuse`: then one buffer
 * is refilled, and each chunk must be consumed (e.g. fs.writeSync) before asking for the next — which
 * keeps RSS flat where a fresh buffer per chunk would wait for the GC.
 */
export function* lineChunks(c: LineCursor, chunkSize = 1 << 18, reuse = false): Generator<Buffer, void, undefined> {
  const first = Buffer.allocUnsafeSlow(chunkSize);
  let out = first;
  let pos = 0;
  try {
    while (c.advance()) {
      const n = c.end - c.start;
      if (n >= chunkSize && c.stable) {
        // a huge line whose bytes stay put goes out as a view: a copy would hold it twice
        if (pos > 0) yield out.subarray(0, pos);
        if (!reuse && pos > 0) out = Buffer.allocUnsafeSlow(chunkSize);
        yield c.buf.subarray(c.start, c.end);
        out[0] = 10;
        pos = 1;
        continue;
      }
      if (pos + n + 1 > out.length) {
        if (pos > 0) yield out.subarray(0, pos);
        out = reuse && n + 1 <= chunkSize ? first : Buffer.allocUnsafeSlow(Math.max(chunkSize, n + 1));
        pos = 0;
      }
      const b = c.buf;
      if (n <= 32) {
        // a short line: a loop beats a native call's overhead
        for (let i = c.start; i < c.end; i++) out[pos++] = b[i];
      } else {
        pos += b.copy(out, pos, c.start, c.end);
      }
      out[pos++] = 10;
    }
    if (pos > 0) yield out.subarray(0, pos);
  } finally {
    c.close();
  }
}
