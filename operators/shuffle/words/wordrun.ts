// Run files of (word, count) pairs in byte order of the word, and the cursors over them. A frame is
// [LEB128 word length][word bytes][LEB128 count]: no text to parse, no string per word. The k-way merge
// compares bytes (a 6-byte prefix as a number first) and sums the counts of equal words.
import fs from 'node:fs';
import { CorruptRunError } from '../runs/errors.ts';
import { FrameFileWriter } from '../runs/frame-writer.ts';
import { freeNow } from '../../lines/byte-carry.ts';
import { recordLength, recordStart } from './wordrecord.ts';

/** A (word, count) cursor: the word is buf[start, end), valid until the next advance(). */
export interface WordCountCursor {
  buf: Buffer;
  start: number;
  end: number;
  count: number;
  advance(): boolean;
  close(): void;
}

/** Sequential writer of (word, count) frames through one large (reusable) buffer. */
export class WordRunWriter extends FrameFileWriter {
  constructor(file: string, buffer: Buffer) {
    super(file, buffer);
  }

  write(src: Uint8Array, start: number, end: number, count: number): void {
    let n = end - start;
    if (this.pos + n + 16 > this.buf.length) this.flush();
    const long = n + 16 > this.buf.length;
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    if (long) {
      // a word longer than the buffer goes straight from src: a copy would hold a huge word twice
      this.pos = p;
      this.flush();
      const own = this.buf;
      this.buf = Buffer.from(src.buffer, src.byteOffset + start, end - start); // flush() writes buf[0, pos)
      this.pos = end - start;
      try {
        this.flush();
      } finally {
        this.buf = own;
      }
      p = 0;
    } else if (end - start <= 16) for (let i = start; i < end; i++) b[p++] = src[i];
    else {
      b.set(src.subarray(start, end), p);
      p += end - start;
    }
    let c = count;
    while (c >= 0x80) {
      b[p++] = (c % 0x80) | 0x80;
      c = Math.floor(c / 0x80);
    }
    b[p++] = c;
    this.pos = p;
    this.records++;
  }

  /** Writes a WordTable's records (wordrecord.ts) in `order`: one loop, no call per word. */
  writeTable(arena: Buffer, counts: Int32Array, order: Uint32Array): void {
    for (let k = 0; k < order.length; k++) {
      const r = order[k];
      const s = recordStart(arena, r);
      const len = recordLength(arena, r);
      if (this.pos + len + 16 > this.buf.length) {
        this.write(arena, s, s + len, counts[r]);
        continue;
      }
      const b = this.buf;
      let p = this.pos;
      let n = len;
      while (n >= 0x80) { b[p++] = (n & 0x7f) | 0x80; n >>>= 7; }
      b[p++] = n;
      if (len <= 16) for (let i = s, e = s + len; i < e; i++) b[p++] = arena[i];
      else p += arena.copy(b, p, s, s + len);
      let c = counts[r];
      while (c >= 0x80) { b[p++] = (c & 0x7f) | 0x80; c >>>= 7; }
      b[p++] = c;
      this.pos = p;
      this.records++;
    }
  }
}

/** Reads (word, count) frames with large readSync calls; a frame longer than the buffer grows it. */
export class WordRunReader implements WordCountCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  count = 0;
  readonly #file: string;
  #fd: number;
  #pos = 0;
  #lim = 0;
  #fileOff = 0;
  #eof = false;
  /** buf was grown here for a huge word (not the caller's buffer): freed at once when closed. */
  #grown = false;
  readonly #more: (() => boolean) | undefined;

  /** The run file read. */
  get path(): string {
    return this.#file;
  }

  /**
   * `more`, for a run another thread is still writing: called at the end of what is written so far, it
   * returns once there may be more (true), or false when the writer has finished.
   */
  constructor(file: string, buffer: Buffer, more?: () => boolean) {
    this.#file = file;
    this.#fd = fs.openSync(file, 'r');
    this.buf = buffer;
    this.#more = more;
  }

  /** Make at least `need` bytes available from pos (fewer only at end of file). */
  #fill(need: number): void {
    if (this.#pos > 0) {
      this.buf.copyWithin(0, this.#pos, this.#lim);
      this.#fileOff += this.#pos;
      this.#lim -= this.#pos;
      this.#pos = 0;
    }
    if (need > this.buf.length) {
      this.buf = growPlain(this.buf, this.#lim, Math.max(need, this.buf.length * 2), !this.#grown);
      this.#grown = true;
    }
    while (this.#lim < need && !this.#eof) {
      const n = fs.readSync(this.#fd, this.buf, this.#lim, this.buf.length - this.#lim, null);
      if (n === 0 && !this.#more?.()) this.#eof = true;
      this.#lim += n;
    }
  }

  advance(): boolean {
    if (this.#fd < 0) return false;
    // A frame's header and count take at most 8 + 8 bytes; the word may need a refill of its own.
    if (this.#lim - this.#pos < 16 && !this.#eof) this.#fill(16);
    if (this.#pos >= this.#lim) {
      this.close();
      return false;
    }
    let b = this.buf;
    let p = this.#pos;
    let n = 0;
    let shift = 1;
    let c: number;
    do {
      if (p >= this.#lim) throw this.#corrupt(p, 'truncated length');
      c = b[p++];
      n += (c & 0x7f) * shift;
      shift *= 0x80;
    } while (c & 0x80);
    if (p + n + 8 > this.#lim && !this.#eof) {
      const head = p - this.#pos;
      this.#fill(head + n + 8);
      p = head;
      b = this.buf;
    }
    if (p + n >= this.#lim) throw this.#corrupt(p, `word of ${n} bytes cut short`);
    this.start = p;
    p += n;
    this.end = p;
    let count = 0;
    shift = 1;
    do {
      if (p >= this.#lim) throw this.#corrupt(p, 'truncated count');
      c = b[p++];
      count += (c & 0x7f) * shift;
      shift *= 0x80;
    } while (c & 0x80);
    this.count = count;
    this.#pos = p;
    return true;
  }

  #corrupt(p: number, what: string): CorruptRunError {
    const at = this.#fileOff + p;
    this.close();
    return new CorruptRunError(this.#file, at, what);
  }

  close(): void {
    if (this.#fd < 0) return;
    fs.closeSync(this.#fd);
    this.#fd = -1;
    if (this.#grown) {
      freeNow(this.buf); // a reader closes at EOF, once its last word was consumed
      this.buf = Buffer.alloc(0);
      this.#grown = false;
    }
  }
}

/**
 * A plain Buffer of `size` bytes holding buf[0, used); buf is freed at once unless `borrowed`. Not a
 * resizable buffer (byte-carry.ts growBuffer): its typed arrays have another map, and the merge's loops
 * would turn polymorphic for every word after one long word.
 */
function growPlain(buf: Buffer, used: number, size: number, borrowed = false): Buffer {
  const bigger = Buffer.allocUnsafeSlow(size);
  buf.copy(bigger, 0, 0, used);
  if (!borrowed) freeNow(buf);
  return bigger;
}

/** The first 6 bytes of a range as a number (missing bytes 0): equal prefixes still need a full compare. */
function prefixOf(b: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n >= 6) return b[s] * 2 ** 40 + b[s + 1] * 2 ** 32 + ((b[s + 2] << 24) >>> 0) + (b[s + 3] << 16) + (b[s + 4] << 8) + b[s + 5];
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + (i < n ? b[s + i] : 0);
  return v;
}

/** Byte order of two ranges: a short JS loop (no native call) for the common case. */
export function compareRanges(ab: Buffer, as: number, ae: number, bb: Buffer, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  const m = n < 32 ? n : 32;
  let k = 0;
  while (k < m && ab[as + k] === bb[bs + k]) k++;
  if (k < m) return ab[as + k] - bb[bs + k];
  if (n > 32) { const c = ab.compare(bb, bs, be, as, ae); if (c !== 0) return c; }
  return la - lb;
}

/**
 * k-way heap merge of cursors whose words are each strictly increasing: one pair per distinct word, its
 * counts summed. The current word is copied out (sources may refill their buffers while summing).
 */
export class WordMerge implements WordCountCursor {
  buf: Buffer = Buffer.allocUnsafeSlow(256);
  start = 0;
  end = 0;
  count = 0;
  readonly #src: WordCountCursor[];
  readonly #pfx: Float64Array;
  readonly #heap: number[] = [];
  #started = false;

  constructor(sources: WordCountCursor[]) {
    this.#src = sources;
    this.#pfx = new Float64Array(sources.length);
  }

  #less(i: number, j: number): boolean {
    const pi = this.#pfx[i];
    const pj = this.#pfx[j];
    if (pi !== pj) return pi < pj;
    const a = this.#src[i];
    const b = this.#src[j];
    return compareRanges(a.buf, a.start, a.end, b.buf, b.start, b.end) < 0;
  }

  #siftDown(pos: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[pos];
    while (true) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#less(heap[child + 1], heap[child])) child++;
      if (!this.#less(heap[child], item)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = item;
  }

  #next(i: number): boolean {
    const s = this.#src[i];
    if (!s.advance()) return false;
    this.#pfx[i] = prefixOf(s.buf, s.start, s.end);
    return true;
  }

  /** Moves the top source on, keeping the heap ordered. */
  #step(): void {
    const heap = this.#heap;
    if (!this.#next(heap[0])) {
      const last = heap.pop() as number;
      if (heap.length === 0) return;
      heap[0] = last;
    }
    if (heap.length > 1) this.#siftDown(0);
  }

  advance(): boolean {
    const heap = this.#heap;
    if (!this.#started) {
      this.#started = true;
      for (let i = 0; i < this.#src.length; i++) if (this.#next(i)) heap.push(i);
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
    }
    if (heap.length === 0) {
      this.close();
      return false;
    }
    const top = heap[0];
    const s = this.#src[top];
    const len = s.end - s.start;
    if (len > this.buf.length) this.buf = growPlain(this.buf, 0, Math.max(len, 2 * this.buf.length));
    const out = this.buf;
    if (len <= 16) for (let i = 0, j = s.start; i < len; i++, j++) out[i] = s.buf[j];
    else s.buf.copy(out, 0, s.start, s.end);
    this.end = len;
    const pfx = this.#pfx[top];
    let count = s.count;
    this.#step();
    while (heap.length > 0) {
      const i = heap[0];
      if (this.#pfx[i] !== pfx) break;
      const o = this.#src[i];
      if (compareRanges(o.buf, o.start, o.end, out, 0, len) !== 0) break;
      count += o.count;
      this.#step();
    }
    this.count = count;
    return true;
  }

  close(): void {
    for (const s of this.#src) s.close();
    this.#heap.length = 0;
  }
}

/** A WordTable's records in sorted order (`order` from WordTable.sortedOrder()). */
export class TableCursor implements WordCountCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  count = 0;
  readonly #counts: Int32Array;
  readonly #order: Uint32Array;
  #i = -1;

  constructor(table: { arena: Buffer; counts: Int32Array }, order: Uint32Array) {
    this.buf = table.arena;
    this.#counts = table.counts;
    this.#order = order;
  }

  advance(): boolean {
    const i = ++this.#i;
    if (i >= this.#order.length) return false;
    const r = this.#order[i];
    this.start = recordStart(this.buf, r);
    this.end = this.start + recordLength(this.buf, r);
    this.count = this.#counts[r];
    return true;
  }

  close(): void {
    this.#i = this.#order.length;
  }
}
