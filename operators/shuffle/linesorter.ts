// External sort of lines as bytes, byte order (LC_ALL=C sort with no keys): lines are copied into one
// arena buffer with their offsets in typed arrays, sorted by an MSD radix sort over the offsets, and
// spilled as run files straight from the arena; the merge compares raw bytes. No string per line is ever
// made, so what is held is exactly the arena plus 18 bytes of offsets and sort scratch per line — the
// budget is honest and the V8 heap stays small (no GC work proportional to the input).
import fs from 'node:fs';
import path from 'node:path';
import { sortRanges, sortScratch, type SortScratch } from './bytesort.ts';
import { DEFAULT_FAN_IN } from './merge.ts';
import { LineMerge, LineRunReader, LineRunWriter, UniqueLines, type LineCursor } from './linerun.ts';
import { makeTempDir, removeTempDir } from './tempdirs.ts';

/** Bytes held per line besides its bytes: start + length (8), and the sort's order, scratch and key (10). */
export const LINE_OVERHEAD = 18;
const MIN_ARENA = 1 << 20;

export interface LineSorterOptions {
  /** Bytes held before a run is spilled: line bytes + LINE_OVERHEAD per line. Default 64 MiB. */
  memory?: number;
  tmpDir?: string;
  /** Runs merged at once (≥ 2, default 16). */
  fanIn?: number;
  /** Descending byte order (-r). */
  reverse?: boolean;
  /** Keep one of each run of identical lines (-u). */
  unique?: boolean;
  onSpill?: (info: { file: string; records: number; bytes: number }) => void;
}

export interface LineSorterStats {
  records: number;
  runs: number;
  bytesSpilled: number;
  mergePasses: number;
}

export class LineSorter {
  readonly stats: LineSorterStats;
  private readonly opts: LineSorterOptions;
  private readonly memory: number;
  private readonly fanIn: number;
  private data: Buffer = Buffer.alloc(0);
  private used = 0;
  private starts = new Uint32Array(0);
  private lens = new Uint32Array(0);
  private count = 0;
  private scratch: SortScratch | undefined;
  private carry: Buffer[] = [];
  private dir: string | undefined;
  private runs: string[] = [];
  private nextRun = 0;
  private readonly open = new Set<LineCursor>();
  private finished = false;

  constructor(options: LineSorterOptions = {}, stats?: LineSorterStats) {
    this.opts = options;
    this.memory = options.memory ?? 64 * 1024 * 1024;
    this.fanIn = options.fanIn ?? DEFAULT_FAN_IN;
    if (!(this.fanIn >= 2)) throw new RangeError(`mrpipe: fanIn must be at least 2, got ${this.fanIn}`);
    if (!(this.memory > 0)) throw new RangeError(`mrpipe: memory must be positive, got ${this.memory}`);
    this.stats = stats ?? { records: 0, runs: 0, bytesSpilled: 0, mergePasses: 0 };
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
    if (this.count > 0 && this.used + n + LINE_OVERHEAD * (this.count + 1) > this.memory) this.spill();
    this.growArena(n);
    if (this.count === this.starts.length) this.growIndex();
  }

  /** Room for n more bytes in the arena. */
  private growArena(n: number): void {
    if (this.used + n > this.data.length) {
      // Small first (tiny inputs), then straight to the budget: no chain of doubled copies left for the GC.
      // Pages of the arena that are never written are never resident.
      const size = Math.max(this.used + n, this.data.length === 0 ? Math.min(MIN_ARENA, this.memory) : this.memory);
      const bigger = Buffer.allocUnsafeSlow(size);
      this.data.copy(bigger, 0, 0, this.used);
      this.data = bigger;
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

  /** Raw text: split at LF (a CR stays part of its line, as in GNU sort); the tail waits for more. */
  write(chunk: Buffer): void {
    let s = 0;
    if (this.carry.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.carry.push(Buffer.from(chunk));
        return;
      }
      this.carry.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.pushBytes(line, 0, line.length);
      s = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= s) this.pushLines(chunk, s, last + 1);
    const tail = Math.max(s, last + 1);
    if (tail < chunk.length) this.carry.push(Buffer.from(chunk.subarray(tail)));
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
      while (p < e) {
        const nl = src.indexOf(10, p);
        if (count > 0 && at + (nl + 1 - base) + LINE_OVERHEAD * (count + 1) > this.memory) break;
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
    if (this.carry.length === 0) return;
    const line = Buffer.concat(this.carry);
    this.carry = [];
    this.pushBytes(line, 0, line.length);
  }

  private ioBuffer(): number {
    return Math.max(64 * 1024, Math.min(1 << 20, Math.floor(this.memory / (this.fanIn + 1))));
  }

  private runPath(): string {
    this.dir ??= makeTempDir(this.opts.tmpDir, 'mrpipe-sort-');
    return path.join(this.dir, `run-${String(this.nextRun++).padStart(6, '0')}`);
  }

  /** Write a run with `fill`, removing it (and the temp dir) on failure. */
  private writeRun(fill: (w: LineRunWriter) => void): string {
    const file = this.runPath();
    const w = new LineRunWriter(file, this.ioBuffer());
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
    this.runs.push(file);
    this.opts.onSpill?.({ file, records: w.records, bytes: w.bytes });
    return file;
  }

  /** The held lines, sorted, as a cursor over the arena (valid until the next push). */
  private sortedHeld(): LineCursor {
    this.scratch = sortScratch(this.count, this.scratch);
    const order = sortRanges(this.data, this.starts, this.lens, this.count, this.scratch);
    const c: LineCursor = new ArenaCursor(this.data, this.starts, this.lens, order, !!this.opts.reverse);
    return this.opts.unique ? new UniqueLines(c) : c;
  }

  /** Sort what is held and write it as a run. */
  spill(): void {
    if (this.count === 0) return;
    const c = this.sortedHeld();
    this.writeRun((w) => {
      while (c.advance()) w.write(c.buf, c.start, c.end);
    });
    this.used = 0;
    this.count = 0;
  }

  /** Add lines already in this sorter's order (strings, latin1) as one run, after spilling what is held. */
  addSortedStrings(sorted: readonly string[]): void {
    if (this.finished) throw new Error('mrpipe: LineSorter.addSortedStrings() after finish()');
    if (sorted.length === 0) return;
    this.spill();
    this.writeRun((w) => {
      for (const s of sorted) w.writeString(s);
    });
  }

  private reader(file: string): LineCursor {
    const r = new LineRunReader(file, this.ioBuffer());
    this.open.add(r);
    return r;
  }

  private mergePasses(): void {
    while (this.runs.length > this.fanIn) {
      const r = this.runs.length;
      const groups = Math.ceil((r - this.fanIn) / (this.fanIn - 1));
      const old = this.runs;
      this.runs = [];
      let i = 0;
      for (let g = 0; g < groups && i < r; g++) {
        const group = old.slice(i, i + this.fanIn);
        i += group.length;
        const m = new LineMerge(group.map((f) => this.reader(f)), !!this.opts.reverse);
        this.writeRun((w) => {
          while (m.advance()) w.write(m.buf, m.start, m.end);
        });
        for (const f of group) fs.rmSync(f, { force: true });
      }
      this.runs.push(...old.slice(i));
      this.stats.mergePasses++;
    }
  }

  /** All lines, sorted: from memory if nothing was spilled, else the final merge. Call once. */
  finish(): LineCursor {
    if (this.finished) throw new Error('mrpipe: LineSorter.finish() called twice');
    this.end();
    this.finished = true;
    if (this.runs.length === 0) return this.sortedHeld();
    this.spill();
    this.data = Buffer.alloc(0);
    this.starts = new Uint32Array(0);
    this.lens = new Uint32Array(0);
    this.scratch = undefined;
    this.mergePasses();
    this.stats.mergePasses++;
    const m = new LineMerge(this.runs.map((f) => this.reader(f)), !!this.opts.reverse);
    return this.opts.unique ? new UniqueLines(m) : m;
  }

  /** Close readers, drop the arena, remove the temp dir (idempotent). */
  dispose(): void {
    for (const c of this.open) c.close();
    this.open.clear();
    this.data = Buffer.alloc(0);
    this.starts = new Uint32Array(0);
    this.lens = new Uint32Array(0);
    this.scratch = undefined;
    this.used = 0;
    this.count = 0;
    this.carry = [];
    this.runs = [];
    if (this.dir !== undefined) {
      removeTempDir(this.dir);
      this.dir = undefined;
    }
  }
}

/** The arena's lines in sorted order (backwards for reverse). */
class ArenaCursor implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  private readonly starts: Uint32Array;
  private readonly lens: Uint32Array;
  private readonly order: Uint32Array;
  private readonly step: number;
  private i: number;

  constructor(data: Buffer, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, reverse: boolean) {
    this.buf = data;
    this.starts = starts;
    this.lens = lens;
    this.order = order;
    this.step = reverse ? -1 : 1;
    this.i = reverse ? order.length : -1;
  }

  advance(): boolean {
    const i = (this.i += this.step);
    if (i < 0 || i >= this.order.length) return false;
    const r = this.order[i];
    this.start = this.starts[r];
    this.end = this.start + this.lens[r];
    return true;
  }

  close(): void {
    this.i = this.step > 0 ? this.order.length : -1;
  }
}

/**
 * Newline-terminated output chunks of a line cursor (about `chunkSize` bytes each), for writing sorted
 * lines straight out without decoding them. Each chunk is a fresh Buffer, unless `reuse`: then one buffer
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
      if (pos + n + 1 > out.length) {
        if (pos > 0) yield out.subarray(0, pos);
        out = reuse && n + 1 <= chunkSize ? first : Buffer.allocUnsafeSlow(Math.max(chunkSize, n + 1));
        pos = 0;
      }
      const b = c.buf;
      pos += b.copy(out, pos, c.start, c.end);
      out[pos++] = 10;
    }
    if (pos > 0) yield out.subarray(0, pos);
  } finally {
    c.close();
  }
}
