// LineSplitter: the synchronous core that turns Buffers into lines. No streams: the runtime calls it in a
// hot loop, splitLines() wraps it in a Transform. Lines are found with Buffer.indexOf (memchr) and each one
// is decoded straight from the chunk into its own string (no intermediate Buffer, no slice of a big string
// that would pin the whole chunk in memory while a line is kept).
import { isAscii } from 'node:buffer';
import { ByteCarry } from './byte-carry.ts';
import { LineTooLongError } from './line-too-long-error.ts';

/** How line bytes become strings: 'utf8' (BOM dropped, invalid bytes become U+FFFD) or 'latin1' (byte-exact). */
export type LineEncoding = 'utf8' | 'latin1';

export interface LineSplitterOptions {
  /** 'utf8' (default) decodes text; 'latin1' maps each byte to one char (byte-exact, fastest). */
  encoding?: LineEncoding;
  /** Longest line accepted, in bytes without its terminator. Default 1 MiB. */
  maxLineBytes?: number;
  /** 'error' (default) throws LineTooLongError; 'skip' drops the line and counts it. */
  onOverlong?: 'error' | 'skip';
  /** Names the input in error messages (a path, 'stdin'). */
  source?: string;
  /** Absolute byte offset of the first byte written (a range's first line). Default 0. */
  startOffset?: number;
  /**
   * How split() and write() make line strings. 'copy' (default): each line is its own string. 'slice': runs
   * of lines are decoded in ≤ 32 KiB pieces and cut with String#split, 2-3x faster, but each line longer than
   * 12 chars is a V8 slice that keeps its decoded piece alive while the line is referenced. Use 'slice' when
   * lines are consumed and dropped (counting, filtering, parsing); keep 'copy' when lines are kept. (write()
   * slices only all-ASCII pieces under utf8, where a char is a byte and the offsets stay exact.)
   */
  strings?: 'copy' | 'slice';
  /**
   * Keep the CR of a CRLF-ended line as its last char (default false: the CR is dropped, Hadoop's rule).
   * With encoding 'latin1' this is the raw-line mode: each line is every byte before its LF, so
   * joinLines({ encoding: 'latin1' }) gives the input's bytes back (plus a LF after an unterminated last line).
   */
  keepCR?: boolean;
  /** Called for each skipped overlong line (onOverlong: 'skip'). */
  onSkip?: (line: SkippedLine) => void;
}

export interface SkippedLine {
  source: string;
  /** 1-based; null when unknown (the input started mid-file). */
  lineNumber: number | null;
  byteOffset: number;
}

/** Per line: the decoded line (no terminator), its absolute byte offset, its 0-based index in this input. */
export type LineCallback = (line: string, byteOffset: number, index: number) => void;

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

// Buffer's own decoders, skipping toString()'s encoding dispatch (measurably faster per line).
interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const LF = 10;
const CR = 13;

export class LineSplitter {
  readonly source: string;
  readonly maxLineBytes: number;
  readonly latin1: boolean;
  readonly keepCR: boolean;
  /** Lines delivered or skipped so far (the next line's 0-based index). */
  lines = 0;
  /** Overlong lines skipped so far. */
  skipped = 0;
  /** Absolute offset of the next byte to be written. */
  offset: number;
  private readonly startOffset: number;
  private readonly skip: boolean;
  private slice: boolean;
  /** The `strings` option as given (undefined: the caller left the choice to the stage that drives it). */
  readonly strings: 'copy' | 'slice' | undefined;
  private readonly onSkip: ((line: SkippedLine) => void) | undefined;
  /** The partial line carried over from earlier chunks (one growing buffer: a huge line is held once). */
  private readonly carry = new ByteCarry();
  /** Absolute offset where the carried (or skipped) partial line starts. */
  private carryStart = 0;
  private skipping = false;

  constructor(options: LineSplitterOptions = {}) {
    this.source = options.source ?? 'input';
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(this.maxLineBytes >= 0)) throw new RangeError(`maxLineBytes must be >= 0, got ${this.maxLineBytes}`);
    this.latin1 = options.encoding === 'latin1';
    this.keepCR = options.keepCR === true;
    if (options.encoding !== undefined && options.encoding !== 'utf8' && options.encoding !== 'latin1') {
      throw new TypeError(`encoding must be 'utf8' or 'latin1', got ${String(options.encoding)}`);
    }
    this.skip = options.onOverlong === 'skip';
    this.strings = options.strings;
    this.slice = options.strings === 'slice';
    this.onSkip = options.onSkip;
    this.startOffset = options.startOffset ?? 0;
    this.offset = this.startOffset;
  }

  /**
   * Make lines as slices from now on, when no `strings` was chosen: for a driver whose lines are all
   * consumed and dropped (fused into a counting combine, as the runtime's counting map task). Returns
   * whether lines are slices.
   */
  preferSlices(): boolean {
    if (this.strings === undefined) this.slice = true;
    return this.slice;
  }

  /** 1-based line number of the line with this index, or null when the input started mid-file. */
  lineNumber(index: number): number | null {
    return this.startOffset === 0 ? index + 1 : null;
  }

  /** Splits one chunk; calls onLine for every line it completes. A partial last line is kept for later. */
  write(chunk: Buffer, onLine: LineCallback): void {
    const n = chunk.length;
    const base = this.offset;
    this.offset = base + n;
    if (n === 0) return;
    let s = 0;
    if (this.carry.length > 0 || this.skipping) {
      s = this.finishCarried(chunk, base, onLine);
      if (s < 0) return;
    }
    s = this.slice ? this.scanSliced(chunk, s, base, onLine) : this.scan(chunk, s, base, onLine);
    if (s < n) this.stash(chunk, s, base + s);
  }

  /**
   * Splits one chunk and returns the lines it completes, as one array (the batch path of splitLines).
   * With strings: 'slice' the whole run of complete lines is decoded once and cut with String#split.
   */
  split(chunk: Buffer): string[] {
    const out: string[] = [];
    const push = (line: string): void => {
      out.push(line);
    };
    const n = chunk.length;
    const base = this.offset;
    this.offset = base + n;
    if (n === 0) return out;
    let s = 0;
    if (this.carry.length > 0 || this.skipping) {
      s = this.finishCarried(chunk, base, push);
      if (s < 0) return out;
    }
    const last = chunk.lastIndexOf(LF);
    // Slicing needs every line of the run to be within the limit; a run shorter than it proves that.
    if (this.slice && last > s && last - s <= this.maxLineBytes) {
      const lines = this.sliceRun(chunk, s, last);
      s = last + 1;
      if (s < n) this.stash(chunk, s, base + s);
      return out.length === 0 ? lines : out.concat(lines);
    }
    s = this.scan(chunk, s, base, push);
    if (s < n) this.stash(chunk, s, base + s);
    return out;
  }

  /** Ends the input and returns the last line if it had no newline (the batch twin of end()). */
  finish(): string[] {
    const out: string[] = [];
    this.end((line) => {
      out.push(line);
    });
    return out;
  }

  /** The per-line loop over the complete lines of chunk from s (those ending at or before `limit`); returns
   * where the partial rest starts. */
  private scan(chunk: Buffer, s: number, base: number, onLine: LineCallback, limit = Infinity): number {
    const max = this.maxLineBytes;
    const latin1 = this.latin1;
    const dropCR = !this.keepCR;
    const fast = chunk as unknown as FastSlices;
    let index = this.lines;
    let nl: number;
    while ((nl = chunk.indexOf(LF, s)) !== -1 && nl <= limit) {
      let e = nl;
      if (dropCR && e > s && chunk[e - 1] === CR) e--;
      if (e - s > max) {
        this.lines = index;
        this.overlong(base + s);
      } else {
        if (index === 0 && this.startOffset === 0 && !latin1) s = skipBom(chunk, s, e);
        onLine(latin1 ? fast.latin1Slice(s, e) : fast.utf8Slice(s, e), base + s, index);
      }
      index++;
      s = nl + 1;
    }
    this.lines = index;
    return s;
  }

  /**
   * scan() for strings: 'slice': the complete lines decoded a piece (≤ DECODE_PIECE) at a time and cut with
   * String#split. A line's offset is counted from its length when the piece is all ASCII (or latin1: a char
   * is a byte), else found with indexOf (a LF is never inside a UTF-8 sequence, so the decoded piece has
   * the same lines). The first piece of a utf8 input goes through scan(), which drops a BOM.
   */
  private scanSliced(chunk: Buffer, s: number, base: number, onLine: LineCallback): number {
    const last = chunk.lastIndexOf(LF);
    const latin1 = this.latin1;
    const dropCR = !this.keepCR;
    const max = this.maxLineBytes;
    const fast = chunk as unknown as FastSlices;
    while (s <= last) {
      const e = pieceEnd(chunk, s, last);
      const bytes = latin1 || isAscii(chunk.subarray(s, e));
      if (!latin1 && base + s === 0) {
        s = this.scan(chunk, s, base, onLine, e);
        continue;
      }
      const lines = (bytes ? fast.latin1Slice(s, e) : fast.utf8Slice(s, e)).split('\n');
      let index = this.lines;
      let at = s;
      for (let i = 0; i < lines.length; i++) {
        let line = lines[i];
        const len = line.length;
        const nl = bytes ? at + len : i === lines.length - 1 ? e : chunk.indexOf(LF, at);
        let n = nl - at;
        if (dropCR && len > 0 && line.charCodeAt(len - 1) === CR) {
          line = line.slice(0, len - 1);
          n--;
        }
        if (n > max) {
          this.lines = index;
          this.overlong(base + at);
        } else onLine(line, base + at, index);
        index++;
        at = nl + 1;
      }
      this.lines = index;
      s = e + 1;
    }
    return s;
  }

  /**
   * Decodes chunk[s, last) (complete lines, none over the limit) and splits it at '\n', a piece of at most
   * ~DECODE_PIECE bytes at a time: a decoded string over V8's regular-object size (128 KiB) goes to the
   * large-object space, whose allocation made decoding 4.5x slower than in young-generation pieces (and
   * a kept line then pins only its piece, not the chunk).
   */
  private sliceRun(chunk: Buffer, start: number, last: number): string[] {
    const fast = chunk as unknown as FastSlices;
    let s = start;
    const latin1 = this.latin1;
    let out: string[] | undefined;
    for (;;) {
      const e = pieceEnd(chunk, s, last);
      const piece = (latin1 ? fast.latin1Slice(s, e) : fast.utf8Slice(s, e)).split('\n');
      if (out === undefined) out = piece;
      else for (let i = 0; i < piece.length; i++) out.push(piece[i]);
      if (e === last) break;
      s = e + 1;
    }
    const cr = chunk.indexOf(CR, start);
    if (!this.keepCR && cr !== -1 && cr < last) trimCarriageReturns(out);
    if (this.lines === 0 && this.startOffset === 0 && !latin1 && out.length > 0 && out[0].charCodeAt(0) === 0xfeff) {
      out[0] = out[0].slice(1);
    }
    this.lines += out.length;
    return out;
  }

  /** Ends the input: delivers a last line that had no newline. */
  end(onLine: LineCallback): void {
    if (this.skipping) {
      this.skipping = false;
      this.countSkip(this.carryStart);
      this.lines++;
      return;
    }
    if (this.carry.length === 0) return;
    const line = this.carry.bytes();
    try {
      this.deliver(line, line.length, onLine);
    } finally {
      this.carry.clear();
    }
  }

  /** Completes the line carried over from earlier chunks. Returns where the rest starts, or -1 if none. */
  private finishCarried(chunk: Buffer, base: number, onLine: LineCallback): number {
    const nl = chunk.indexOf(LF);
    if (this.skipping) {
      if (nl === -1) return -1;
      this.skipping = false;
      this.countSkip(this.carryStart);
      this.lines++;
      return nl + 1;
    }
    if (nl === -1) {
      this.stash(chunk, 0, base);
      return -1;
    }
    this.carry.append(chunk, 0, nl);
    const line = this.carry.bytes();
    let e = line.length;
    if (!this.keepCR && e > 0 && line[e - 1] === CR) e--;
    try {
      this.deliver(line, e, onLine);
    } finally {
      this.carry.clear();
    }
    return nl + 1;
  }

  private deliver(line: Buffer, e: number, onLine: LineCallback): void {
    const index = this.lines;
    if (e > this.maxLineBytes) {
      this.overlong(this.carryStart);
    } else {
      const s = index === 0 && this.startOffset === 0 && !this.latin1 ? skipBom(line, 0, e) : 0;
      const fast = line as unknown as FastSlices;
      onLine(this.latin1 ? fast.latin1Slice(s, e) : fast.utf8Slice(s, e), this.carryStart + s, index);
    }
    this.lines = index + 1;
  }

  /** Keeps the partial line chunk[s..] (copied: the caller may reuse its buffer). Bounded by maxLineBytes. */
  private stash(chunk: Buffer, s: number, absStart: number): void {
    if (this.carry.length === 0) this.carryStart = absStart;
    const len = chunk.length - s;
    // +1: the byte after the limit may be the CR of a CRLF, which is not part of the line.
    if (this.carry.length + len > this.maxLineBytes + 1) {
      const start = this.carryStart;
      this.carry.clear();
      if (!this.skip) this.overlong(start);
      this.carryStart = start;
      this.skipping = true;
      return;
    }
    this.carry.append(chunk, s, chunk.length);
  }

  private overlong(byteOffset: number): void {
    if (!this.skip) {
      throw new LineTooLongError(this.source, this.lineNumber(this.lines), byteOffset, this.maxLineBytes);
    }
    this.countSkip(byteOffset);
  }

  private countSkip(byteOffset: number): void {
    this.skipped++;
    this.onSkip?.({ source: this.source, lineNumber: this.lineNumber(this.lines), byteOffset });
  }
}

/** Decoded piece size for strings: 'slice' (see sliceRun); 32 KiB measured best of 8-128 KiB. */
const DECODE_PIECE = 32 * 1024;

/** The end (a LF) of the piece of chunk's complete lines that starts at s, `last` being the last LF: the last
 * LF within DECODE_PIECE bytes; a line longer than that makes a piece of its own. */
function pieceEnd(chunk: Buffer, s: number, last: number): number {
  if (last - s <= DECODE_PIECE) return last;
  const e = chunk.lastIndexOf(LF, s + DECODE_PIECE);
  return e < s ? chunk.indexOf(LF, s + DECODE_PIECE) : e;
}

/** Drops the CR of each CRLF-ended line (lines were cut at LF). */
function trimCarriageReturns(lines: string[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.charCodeAt(line.length - 1) === CR) lines[i] = line.slice(0, -1);
  }
}

/** A UTF-8 byte order mark at the very start of the input is not part of the first line. */
function skipBom(buf: Buffer, s: number, e: number): number {
  return e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf ? s + 3 : s;
}
