// k-way merge of sorted line cursors in byte order (descending if `reverse`); ties: earlier source first.
// An LCP-aware loser tree (Bingmann & Sanders, "LCP-aware parallel string sorting"): every source's line
// carries h, the length of its common prefix with a reference line. The invariant: on the path from the
// last winner's leaf to the root, each loser's h is relative to the last line output, and so is the new
// line of the winner's source (the lcp its run file stored). Two lines with different h are ordered by h
// alone (the one sharing more with the last output comes first, both being on the same side of it); equal
// h compare bytes from h on, and the loser's h becomes the position where they differ. Sorted real text
// shares long prefixes and repeats lines: most comparisons read no byte, the others start past the prefix.
import type { LineCursor } from './linecursor.ts';

export class LineMerge implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  /** The current line's common prefix with the line output before it. */
  lcp = 0;
  private readonly src: LineCursor[];
  /** Per source: h (see above). */
  private readonly h: Float64Array;
  /** Per source: 1 once exhausted. */
  private readonly done: Uint8Array;
  /** tree[1..k-1]: the loser at each internal node; tree[0]: the current winner. */
  private readonly tree: Int32Array;
  private readonly sign: number;
  private started = false;
  /** Copy of the last line output, kept only for sources that do not tell their lcp. */
  private last: Buffer | undefined;
  private lastLen = 0;

  constructor(sources: LineCursor[], reverse = false) {
    this.src = sources;
    this.h = new Float64Array(sources.length);
    this.done = new Uint8Array(sources.length);
    this.tree = new Int32Array(Math.max(1, sources.length));
    this.sign = reverse ? -1 : 1;
  }

  /** True when source i's line goes out before source j's; sets the loser's h relative to the winner. */
  private less(i: number, j: number): boolean {
    const d = this.done;
    if (d[i] | d[j]) return d[i] === d[j] ? i < j : d[j] === 1;
    const h = this.h;
    const hi = h[i];
    const hj = h[j];
    if (hi !== hj) return hi > hj;
    const a = this.src[i];
    const b = this.src[j];
    const ab = a.buf;
    const bb = b.buf;
    const as = a.start;
    const bs = b.start;
    const la = a.end - as;
    const lb = b.end - bs;
    const n = la < lb ? la : lb;
    let k = hi;
    while (k < n && ab[as + k] === bb[bs + k]) k++;
    const c = (k < n ? ab[as + k] - bb[bs + k] : la - lb) * this.sign;
    if (c < 0 || (c === 0 && i < j)) {
      h[j] = k;
      return true;
    }
    h[i] = k;
    return false;
  }

  /** Advance source i; its h becomes its new line's lcp with the last line output (its previous line). */
  private next(i: number): void {
    const s = this.src[i];
    if (!s.advance()) {
      this.done[i] = 1;
      return;
    }
    if (s.lcp !== undefined) {
      this.h[i] = s.lcp;
      return;
    }
    // no lcp from the source: against the copy of the last output (none yet: 0)
    const last = this.last;
    let k = 0;
    if (last !== undefined) {
      const n = Math.min(this.lastLen, s.end - s.start);
      const b = s.buf;
      const st = s.start;
      while (k < n && last[k] === b[st + k]) k++;
    }
    this.h[i] = k;
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
    this.last = this.src.some((s, i) => this.done[i] === 0 && s.lcp === undefined) ? Buffer.allocUnsafe(256) : undefined;
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
    if (this.done[w] === 1) {
      this.close();
      return false;
    }
    const s = this.src[w];
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.stable = s.stable === true;
    this.lcp = this.h[w];
    if (this.last !== undefined) this.keepLast(s);
    return true;
  }

  private keepLast(s: LineCursor): void {
    const n = s.end - s.start;
    if (n > (this.last as Buffer).length) this.last = Buffer.allocUnsafe(Math.max(n, 2 * (this.last as Buffer).length));
    s.buf.copy(this.last as Buffer, 0, s.start, s.end);
    this.lastLen = n;
  }

  close(): void {
    for (const s of this.src) s.close();
    this.done.fill(1);
  }
}
