// A cursor over byte lines: the current line is (buf, start, end), valid until the next advance(). Sorted
// cursors also tell `lcp`, how many leading bytes the line shares with the one before it: the merge
// compares from there (docs/ENGINES.md, "LCP merge") and run files store only the rest of the line.

export interface LineCursor {
  buf: Buffer;
  start: number;
  end: number;
  /**
   * True when the current line's bytes stay as they are after advance() (lines in an arena that is no
   * longer written): a consumer may keep a view of a huge line instead of copying it.
   */
  stable?: boolean;
  /** Bytes the current line shares with the previous line of this cursor (0 for the first); undefined: not known. */
  lcp?: number;
  advance(): boolean;
  close(): void;
}

/** Length of the common prefix of a[as, ae) and b[bs, be). */
export function commonPrefix(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  let k = 0;
  while (k < n && a[as + k] === b[bs + k]) k++;
  return k;
}

/** The arena's lines in sorted order (backwards for reverse). */
export class ArenaCursor implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  lcp = 0;
  /** The arena is not written while its sorted lines are read. */
  readonly stable = true;
  private readonly starts: Uint32Array;
  private readonly lens: Uint32Array;
  private readonly order: Uint32Array;
  private readonly lcps: Uint32Array | undefined;
  private readonly step: number;
  private i: number;

  /** `lcps[i]`, when given: the bytes order[i]'s line shares with order[i - 1]'s (sortRanges finds them). */
  constructor(data: Buffer, starts: Uint32Array, lens: Uint32Array, order: Uint32Array, reverse: boolean, lcps?: Uint32Array) {
    this.buf = data;
    this.starts = starts;
    this.lens = lens;
    this.order = order;
    this.lcps = lcps;
    this.step = reverse ? -1 : 1;
    this.i = reverse ? order.length : -1;
  }

  advance(): boolean {
    const i = (this.i += this.step);
    if (i < 0 || i >= this.order.length) return false;
    const r = this.order[i];
    const ps = this.start;
    const pe = this.end;
    const s = this.starts[r];
    const e = s + this.lens[r];
    if (this.first()) this.lcp = 0;
    else if (this.lcps) this.lcp = this.lcps[this.step > 0 ? i : i + 1];
    else this.lcp = commonPrefix(this.buf, ps, pe, this.buf, s, e);
    this.start = s;
    this.end = e;
    return true;
  }

  /** True at the first line given. */
  private first(): boolean {
    return this.step > 0 ? this.i === 0 : this.i === this.order.length - 1;
  }

  close(): void {
    this.i = this.step > 0 ? this.order.length : -1;
  }
}

/** Drop lines equal to the line before them (for -u over a sorted cursor). */
export class UniqueLines implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  lcp: number | undefined = 0;
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
      if (n === this.lastLen && (s.lcp !== undefined ? s.lcp === n : s.buf.compare(this.last, 0, n, s.start, s.end) === 0)) continue;
      if (s.lcp === undefined) {
        if (n > this.last.length) this.last = Buffer.allocUnsafe(Math.max(n, 2 * this.last.length));
        s.buf.copy(this.last, 0, s.start, s.end);
      }
      // a dropped line equals the one kept before it: the lcp with it is the lcp with the kept one
      this.lcp = this.lastLen < 0 ? 0 : s.lcp;
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
