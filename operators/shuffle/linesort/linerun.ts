// Byte-level run files for sorted lines, front-coded: each line is [LEB128 lcp][LEB128 n][n bytes], the
// bytes it shares with the line before it (lcp) and then the rest. Sorted real text shares long prefixes
// (indentation, repeated lines), so runs are smaller, and the reader hands the lcp to the merge, which
// then compares lines from there (linemerge.ts). Lines are never decoded into strings.
import fs from 'node:fs';
import { CorruptRunError } from '../runs/errors.ts';
import { FrameFileWriter } from '../runs/frame-writer.ts';
import { freeNow } from '../../lines/byte-carry.ts';
import { RunFile } from '../../../plumbing/run-file.ts';
import type { LineCursor } from './linecursor.ts';
import type { SplitTest } from './splitter.ts';

export { ArenaCursor, UniqueLines, commonPrefix, type LineCursor } from './linecursor.ts';
export { LineMerge } from './linemerge.ts';

/** Longest frame header: two LEB128 numbers below 2^35. */
const HEADER = 10;

/**
 * The rest of a LEB128 number whose first byte (≥ 0x80) was `first`: [value, position after it]; a number
 * cut short by the end of the data ends there (the caller sees the position past `lim`).
 */
function readLong(b: Buffer, p: number, lim: number, first: number): [number, number] {
  let v = first & 0x7f;
  let f = 0x80;
  let c = first;
  while (c & 0x80) {
    if (p >= lim) return [v, lim + 1];
    c = b[p++];
    v += (c & 0x7f) * f;
    f *= 0x80;
  }
  return [v, p];
}

/** Sequential writer of front-coded lines through one large buffer. */
export class LineRunWriter extends FrameFileWriter {
  /**
   * `bufferSize` bytes of I/O buffer, or `buffer` itself when given (reused across runs: no garbage);
   * `compress`: a program the run is written through (sort --compress-program).
   */
  constructor(file: string, bufferSize: number, buffer?: Buffer, compress?: string) {
    super(file, buffer ?? Buffer.allocUnsafeSlow(bufferSize), compress);
  }

  /** Append src[start, end) as one line that shares its first `lcp` bytes with the line written before it. */
  write(src: Buffer, start: number, end: number, lcp: number): void {
    let n = end - start - lcp;
    if (this.pos + n + HEADER > this.buf.length) {
      this.flush();
      if (n + HEADER > this.buf.length) {
        this.writeLong(src, start + lcp, end, lcp);
        return;
      }
    }
    const b = this.buf;
    let p = this.pos;
    let l = lcp;
    while (l >= 0x80) {
      b[p++] = (l & 0x7f) | 0x80;
      l >>>= 7;
    }
    b[p++] = l;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    const s = start + lcp;
    if (end - s <= 32) {
      for (let i = s; i < end; i++) b[p++] = src[i];
      this.pos = p;
    } else {
      this.pos = p + src.copy(b, p, s, end);
    }
    this.records++;
  }

  /**
   * A line whose rest is longer than the buffer: its header, then its bytes written straight from src (a
   * copy into a buffer of its size would hold the line twice). Called with the buffer flushed.
   */
  private writeLong(src: Buffer, start: number, end: number, lcp: number): void {
    const b = this.buf;
    let p = 0;
    for (let v of [lcp, end - start]) {
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[p++] = v;
    }
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
}

/** Writes latin1 strings, already in order, as a run: the lcp of each with the one before is found here. */
export function writeStrings(w: LineRunWriter, lines: readonly string[]): void {
  let prev = '';
  for (const s of lines) {
    const n = Math.min(prev.length, s.length);
    let k = 0;
    while (k < n && prev.charCodeAt(k) === s.charCodeAt(k)) k++;
    const src = Buffer.from(s, 'latin1');
    w.write(src, 0, src.length, k);
    prev = s;
  }
}

/**
 * Reads front-coded lines with large readSync calls. The current line is rebuilt in a line buffer of its
 * own (its shared head stays from the line before); a line longer than the read buffer is read straight
 * into it, so the read buffer never grows and a huge line is held once.
 */
export class LineRunReader implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  lcp = 0;
  private readonly file: string;
  private fd: number;
  private readonly run: RunFile;
  private io: Buffer;
  private pos = 0;
  private lim = 0;
  /** File offset of io[0]. */
  private ioOff = 0;
  private eof = false;

  /** Like LineRunWriter: `buffer`, when given, is used as the read buffer; `compress` -d reads the run. */
  constructor(file: string, bufferSize: number, buffer?: Buffer, compress?: string) {
    this.file = file;
    this.run = RunFile.open(file, compress);
    this.fd = this.run.fd;
    this.io = buffer ?? Buffer.allocUnsafeSlow(bufferSize);
    this.buf = Buffer.allocUnsafeSlow(256);
  }

  /** Move what is left to the front and read more. */
  private fill(): void {
    if (this.pos > 0) {
      this.io.copyWithin(0, this.pos, this.lim);
      this.ioOff += this.pos;
      this.lim -= this.pos;
      this.pos = 0;
    }
    while (this.lim < this.io.length && !this.eof) {
      const n = fs.readSync(this.fd, this.io, this.lim, this.io.length - this.lim, null);
      if (n === 0) this.eof = true;
      this.lim += n;
    }
  }

  advance(): boolean {
    if (this.fd < 0) return false;
    if (this.lim - this.pos < HEADER && !this.eof) this.fill();
    if (this.pos >= this.lim) {
      this.close();
      return false;
    }
    const b = this.io;
    const lim = this.lim;
    let p = this.pos;
    let lcp = b[p++];
    if (lcp >= 0x80) [lcp, p] = readLong(b, p, lim, lcp);
    if (p >= lim) throw this.corrupt(p, 'line header cut short');
    let n = b[p++];
    if (n >= 0x80) [n, p] = readLong(b, p, lim, n);
    if (p > lim) throw this.corrupt(lim, 'line header cut short');
    if (lcp > this.end) throw this.corrupt(this.pos, `shared prefix of ${lcp} bytes longer than the line before`);
    const len = lcp + n;
    if (len > this.buf.length) this.grow(len, lcp);
    const line = this.buf;
    const have = this.lim - p;
    if (n <= have) {
      if (n <= 32) for (let i = 0; i < n; i++) line[lcp + i] = b[p + i];
      else b.copy(line, lcp, p, p + n);
      this.pos = p + n;
    } else {
      // the rest of a line longer than what is buffered: straight from the file into the line buffer
      b.copy(line, lcp, p, this.lim);
      let got = have;
      while (got < n) {
        const r = fs.readSync(this.fd, line, lcp + got, n - got, null);
        if (r === 0) throw this.corrupt(p, `line of ${len} bytes cut short`);
        got += r;
      }
      this.ioOff += this.lim + (n - have);
      this.pos = this.lim = 0;
    }
    this.lcp = lcp;
    this.start = 0;
    this.end = len;
    return true;
  }

  /**
   * Moves to the first line not before `test`'s splitter (splitter.ts) without building the lines before
   * it: most are told by their lcp alone, the rest compared where they lie in the read buffer. The line
   * it stops at shares its first lcp bytes with the splitter (its common prefix with the line before,
   * which shares at least that much with the splitter), so it is built from those and its own bytes.
   * False at the end of the run.
   */
  skipBefore(test: SplitTest): boolean {
    for (;;) {
      if (this.fd < 0) return false;
      if (this.lim - this.pos < HEADER && !this.eof) this.fill();
      if (this.pos >= this.lim) {
        this.close();
        return false;
      }
      const b = this.io;
      const lim = this.lim;
      const at = this.pos;
      let p = at;
      let lcp = b[p++];
      if (lcp >= 0x80) [lcp, p] = readLong(b, p, lim, lcp);
      if (p >= lim) throw this.corrupt(p, 'line header cut short');
      let n = b[p++];
      if (n >= 0x80) [n, p] = readLong(b, p, lim, n);
      if (p > lim) throw this.corrupt(lim, 'line header cut short');
      if (lcp > this.end) throw this.corrupt(at, `shared prefix of ${lcp} bytes longer than the line before`);
      const k = test.shared;
      if (p + n <= lim) {
        // its bytes from lcp on are b[p, p + n): the test reads from k ≥ lcp on only when k = lcp
        if (test.before(b, p - lcp, p + n, lcp)) {
          this.pos = p + n;
          this.end = lcp + n;
          continue;
        }
        this.pos = at;
        this.splitterHead(test.s, lcp);
        return this.advance();
      }
      if (at > 0 && !this.eof) {
        this.fill(); // the whole line into the read buffer, if it fits there
        continue;
      }
      // longer than the read buffer: built, then tested (a head not known to be the splitter's is never read)
      this.pos = at;
      if (lcp <= k) this.splitterHead(test.s, lcp);
      this.advance();
      if (!test.before(this.buf, 0, this.end, lcp)) return true;
    }
  }

  /** The line buffer's first `lcp` bytes: the splitter's. */
  private splitterHead(s: Uint8Array, lcp: number): void {
    if (lcp > this.buf.length) this.grow(lcp, 0);
    this.buf.set(s.subarray(0, lcp), 0);
  }

  /**
   * A line buffer for `len` bytes keeping its first `keep`: a plain Buffer (element access on a resizable
   * one is about twice as slow in V8), the old one freed at once so a huge line is held about once.
   */
  private grow(len: number, keep: number): void {
    const bigger = Buffer.allocUnsafeSlow(len > 1 << 20 ? len : Math.max(len, 2 * this.buf.length));
    this.buf.copy(bigger, 0, 0, keep);
    freeNow(this.buf);
    this.buf = bigger;
  }

  private corrupt(p: number, what: string): Error {
    const err = this.run.failure(new CorruptRunError(this.file, this.ioOff + p, what)) as Error; // a failed `PROG -d`: its failure
    this.close();
    return err;
  }

  close(): void {
    if (this.fd < 0) return;
    this.fd = -1;
    // A huge line's buffer goes now, not at the next GC: a reader closes (at EOF) only once its last line
    // was consumed and the merge asked it for the next.
    if (this.buf.length > 1 << 16) freeNow(this.buf);
    this.buf = Buffer.alloc(0);
    // At the run's end a decompressing program is waited for (its failure thrown); before it, let go.
    if (this.eof) this.run.close();
    else this.run.abort();
  }
}
