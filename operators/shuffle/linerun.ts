// Byte-level run files for lines: the same frames as lineCodec('latin1') — [LEB128 length][line bytes] —
// but written from and read into raw byte ranges, so sorting lines never decodes them into strings.
// A LineCursor exposes its current line as (buf, start, end); the range is valid until the next advance().
import fs from 'node:fs';
import { CorruptRunError } from './errors.ts';
import { FrameFileWriter } from './frame-writer.ts';
import { freeNow, growBuffer } from '../lines/byte-carry.ts';
import { RunFile } from '../../plumbing/run-file.ts';

export interface LineCursor {
  buf: Buffer;
  start: number;
  end: number;
  /**
   * True when the current line's bytes stay as they are after advance() (lines in an arena that is no
   * longer written): a consumer may keep a view of a huge line instead of copying it.
   */
  stable?: boolean;
  advance(): boolean;
  close(): void;
}

/** Sequential writer of line frames through one large buffer. */
export class LineRunWriter extends FrameFileWriter {
  /**
   * `bufferSize` bytes of I/O buffer, or `buffer` itself when given (reused across runs: no garbage);
   * `compress`: a program the run is written through (sort --compress-program).
   */
  constructor(file: string, bufferSize: number, buffer?: Buffer, compress?: string) {
    super(file, buffer ?? Buffer.allocUnsafeSlow(bufferSize), compress);
  }

  /** Append src[start, end) as one line. */
  write(src: Buffer, start: number, end: number): void {
    let n = end - start;
    if (this.pos + n + 5 > this.buf.length) {
      this.flush();
      if (n + 5 > this.buf.length) {
        this.writeLong(src, start, end);
        return;
      }
    }
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p + src.copy(b, p, start, end);
    this.records++;
  }

  /**
   * A line longer than the buffer: its length, then its bytes written straight from src (a copy into a
   * buffer of its size would hold the line twice). Called with the buffer flushed.
   */
  private writeLong(src: Buffer, start: number, end: number): void {
    let n = end - start;
    const b = this.buf;
    let p = 0;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
    this.flush();
    const own = this.buf;
    this.buf = src.subarray(start, end); // flush() writes this.buf[0, pos): its error handling, once
    this.pos = end - start;
    try {
      this.flush();
    } finally {
      this.buf = own;
      this.pos = 0;
    }
    this.records++;
  }

  /** Append a latin1 string as one line. */
  writeString(s: string): void {
    const src = Buffer.from(s, 'latin1');
    this.write(src, 0, src.length);
  }
}

/** Reads line frames with large readSync calls; a frame longer than the buffer grows it. */
export class LineRunReader implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  private readonly file: string;
  private fd: number;
  private readonly run: RunFile;
  private pos = 0;
  private lim = 0;
  private fileOff = 0;
  private eof = false;
  /** buf was grown here for a long frame (not the caller's buffer): freed at once when outgrown or closed. */
  private grown = false;

  /** Like LineRunWriter: `buffer`, when given, is used (until a longer frame needs a bigger one); `compress` -d reads it. */
  constructor(file: string, bufferSize: number, buffer?: Buffer, compress?: string) {
    this.file = file;
    this.run = RunFile.open(file, compress);
    this.fd = this.run.fd;
    this.buf = buffer ?? Buffer.allocUnsafeSlow(bufferSize);
  }

  /** Make at least `need` bytes available from pos (fewer only at end of file). */
  private fill(need: number): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.lim);
      this.lim -= this.pos;
      this.pos = 0;
    }
    if (need > this.buf.length) {
      this.buf = growBuffer(this.buf, this.lim, Math.max(need, this.buf.length * 2), !this.grown);
      this.grown = true;
    }
    while (this.lim < need && !this.eof) {
      const n = fs.readSync(this.fd, this.buf, this.lim, this.buf.length - this.lim, null);
      if (n === 0) this.eof = true;
      this.lim += n;
    }
  }

  advance(): boolean {
    if (this.fd < 0) return false;
    if (this.lim - this.pos < 5 && !this.eof) this.fill(5);
    if (this.pos >= this.lim) {
      this.close();
      return false;
    }
    const b = this.buf;
    let p = this.pos;
    let n = 0;
    let shift = 0;
    let c: number;
    do {
      if (p >= this.lim) throw this.corrupt(p, 'truncated length');
      c = b[p++];
      n += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    if (p + n > this.lim) {
      const head = p - this.pos;
      this.fill(head + n);
      p = head;
      if (p + n > this.lim) throw this.corrupt(p, `line of ${n} bytes cut short`);
    }
    this.start = p;
    this.end = p + n;
    this.fileOff += this.end - this.pos;
    this.pos = this.end;
    return true;
  }

  private corrupt(p: number, what: string): Error {
    const at = this.fileOff + p - this.pos;
    const err = this.run.failure(new CorruptRunError(this.file, at, what)) as Error; // a failed `PROG -d`: its failure
    this.close();
    return err;
  }

  close(): void {
    if (this.fd < 0) return;
    this.fd = -1;
    // A huge line's buffer goes now, not at the next GC: a reader closes (at EOF) only once its last line
    // was consumed and the merge asked it for the next.
    if (this.grown) {
      freeNow(this.buf);
      this.buf = Buffer.alloc(0);
      this.grown = false;
    }
    // At the run's end a decompressing program is waited for (its failure thrown); before it, let go.
    if (this.eof) this.run.close();
    else this.run.abort();
  }
}

/** The first 6 bytes of a range as a number (missing bytes 0): equal prefixes still need a full compare. */
function prefixOf(b: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n >= 6) return b[s] * 2 ** 40 + b[s + 1] * 2 ** 32 + ((b[s + 2] << 24) >>> 0) + (b[s + 3] << 16) + (b[s + 4] << 8) + b[s + 5];
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + (i < n ? b[s + i] : 0);
  return v;
}

/** Byte order of two cursors' lines: a short JS loop (no native call) for the common case. */
function compareLines(a: LineCursor, b: LineCursor): number {
  const ab = a.buf;
  const bb = b.buf;
  const as = a.start;
  const bs = b.start;
  const la = a.end - as;
  const lb = b.end - bs;
  const n = la < lb ? la : lb;
  const m = n < 32 ? n : 32;
  let k = 0;
  while (k < m && ab[as + k] === bb[bs + k]) k++;
  if (k < m) return ab[as + k] - bb[bs + k];
  if (n > 32) return ab.compare(bb, bs, b.end, as, a.end);
  return la - lb;
}

/**
 * k-way merge of line cursors in byte order (descending if `reverse`); ties: earlier source first. A loser
 * tree: each line out costs log2(k) comparisons (a binary heap's sift-down costs up to twice that), and
 * most are one comparison of cached 6-byte prefixes held as numbers (an exhausted source holds Infinity).
 */
export class LineMerge implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  private readonly src: LineCursor[];
  /** Per source: its line's prefix (negated when reverse), Infinity once exhausted. */
  private readonly key: Float64Array;
  /** tree[1..k-1]: the loser at each internal node; tree[0]: the current winner. */
  private readonly tree: Int32Array;
  private readonly sign: number;
  private started = false;

  constructor(sources: LineCursor[], reverse = false) {
    this.src = sources;
    this.key = new Float64Array(sources.length);
    this.tree = new Int32Array(Math.max(1, sources.length));
    this.sign = reverse ? -1 : 1;
  }

  /** True when source i's line goes out before source j's. */
  private less(i: number, j: number): boolean {
    const ki = this.key[i];
    const kj = this.key[j];
    if (ki !== kj) return ki < kj;
    if (ki === Infinity) return i < j;
    const c = compareLines(this.src[i], this.src[j]) * this.sign;
    return c < 0 || (c === 0 && i < j);
  }

  private next(i: number): void {
    const s = this.src[i];
    this.key[i] = s.advance() ? this.sign * prefixOf(s.buf, s.start, s.end) : Infinity;
  }

  /** Leaves at k..2k-1, internal node p over 2p and 2p+1: winners built bottom-up, losers kept. */
  private build(): void {
    const k = this.src.length;
    for (let i = 0; i < k; i++) this.next(i);
    const win = new Int32Array(2 * k);
    for (let i = 0; i < k; i++) win[k + i] = i;
    for (let p = k - 1; p >= 1; p--) {
      const a = win[2 * p];
      const b = win[2 * p + 1];
      if (this.less(b, a)) {
        win[p] = b;
        this.tree[p] = a;
      } else {
        win[p] = a;
        this.tree[p] = b;
      }
    }
    this.tree[0] = k > 1 ? win[1] : 0;
  }

  advance(): boolean {
    const k = this.src.length;
    if (k === 0) return false;
    const tree = this.tree;
    if (!this.started) {
      this.started = true;
      this.build();
    } else {
      // the last winner moves on and plays its way back up from its leaf
      let w = tree[0];
      this.next(w);
      for (let p = (w + k) >> 1; p >= 1; p >>= 1) {
        const l = tree[p];
        if (this.less(l, w)) {
          tree[p] = w;
          w = l;
        }
      }
      tree[0] = w;
    }
    const w = tree[0];
    if (this.key[w] === Infinity) {
      this.close();
      return false;
    }
    const s = this.src[w];
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.stable = s.stable === true;
    return true;
  }

  close(): void {
    for (const s of this.src) s.close();
    this.key.fill(Infinity);
  }
}

/** Drop lines equal to the line before them (for -u over a sorted cursor). */
export class UniqueLines implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  private readonly src: LineCursor;
  private last = Buffer.allocUnsafe(256);
  private lastLen = -1;

  constructor(src: LineCursor) {
    this.src = src;
  }

  advance(): boolean {
    const s = this.src;
    while (s.advance()) {
      const n = s.end - s.start;
      if (n === this.lastLen && s.buf.compare(this.last, 0, n, s.start, s.end) === 0) continue;
      if (n > this.last.length) this.last = Buffer.allocUnsafe(Math.max(n, 2 * this.last.length));
      s.buf.copy(this.last, 0, s.start, s.end);
      this.lastLen = n;
      this.buf = s.buf;
      this.start = s.start;
      this.end = s.end;
      this.stable = s.stable === true;
      return true;
    }
    return false;
  }

  close(): void {
    this.src.close();
  }
}

/** The arena's lines in sorted order (backwards for reverse). */
export class ArenaCursor implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  /** The arena is not written while its sorted lines are read. */
  readonly stable = true;
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

