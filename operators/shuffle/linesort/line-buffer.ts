// Filling the LineSorter's buffer: lines copied into one arena buffer, their offsets and lengths in typed
// arrays. Raw text is split at LF with one bulk copy per chunk; a line not ended yet grows in the arena as
// the rest arrives (a huge line is held once). When the next line would pass the limit, spill() empties
// the buffer. The arena's size policy (shared arenas for the sort thread) and spilling are the sorter's.
import { LINE_OVERHEAD } from './line-overhead.ts';

export abstract class LineBuffer {
  abstract readonly stats: { records: number };
  protected data: Buffer = Buffer.alloc(0);
  protected used = 0;
  protected starts: Uint32Array = new Uint32Array(0);
  protected lens: Uint32Array = new Uint32Array(0);
  protected count = 0;
  /** Arena offset where the line write() is in the middle of starts (its bytes so far up to `used`), or -1. */
  protected partial = -1;
  protected finished = false;

  /** Bytes one buffer may hold (line bytes + LINE_OVERHEAD per line). */
  protected abstract get limit(): number;
  /** Room for n more bytes in the arena. */
  protected abstract growArena(n: number): void;
  /** Sort what is held and write it out; the buffer is empty after it (but for a line being written). */
  abstract spill(): void;

  /** Bytes held now (arena contents + per-line overhead). */
  get bytesHeld(): number {
    return this.used + LINE_OVERHEAD * this.count;
  }

  /** Make room for one more line of n bytes: spill if the budget would be passed, grow the arrays. */
  protected reserve(n: number): void {
    if (this.finished) throw new Error('mrpipe: LineSorter push after finish()');
    if (this.count > 0 && this.used + n + LINE_OVERHEAD * (this.count + 1) > this.limit) this.spill();
    this.growArena(n);
    if (this.count === this.starts.length) this.growIndex();
  }

  /** Room for more lines in the offset arrays. */
  protected growIndex(): void {
    // Doubling: typed arrays are zero-filled (resident) when made, so never allocate the maximum up front.
    const size = Math.max(1024, 2 * this.count);
    const s = this.indexArray(size);
    s.set(this.starts);
    this.starts = s;
    const l = this.indexArray(size);
    l.set(this.lens);
    this.lens = l;
  }

  /** A new (zeroed) offset array of `size` entries; a subclass may put it elsewhere (shared memory). */
  protected indexArray(size: number): Uint32Array {
    return new Uint32Array(size);
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
  protected appendPartial(src: Buffer, s: number, e: number): void {
    const n = e - s;
    if (this.count > 0 && this.used + n + LINE_OVERHEAD * (this.count + 1) > this.limit) this.spill();
    this.growArena(n);
    src.copy(this.data, this.used, s, e);
    this.used += n;
  }

  /** The line being written has ended: it becomes a held line. */
  protected endPartial(): void {
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
  protected pushLines(src: Buffer, s: number, e: number): void {
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

  /**
   * The bytes of the line being written, copied out of the arena before a spill. A spill happens only
   * while lines are held, and those passed the budget check, so this copy is within the budget.
   */
  protected takePartial(): Buffer {
    const bytes = Buffer.from(this.data.subarray(this.partial, this.used));
    this.used = this.partial;
    this.partial = -1;
    return bytes;
  }
}
