// A key-range split of sorted line cursors at one splitter line s: the lines before s in output order
// (ascending: < s; reverse: > s) and the rest. Equal lines fall on the same side, so -u holds within each
// range. Used to merge the final runs on two threads at once: one thread merges the lines before s, the
// other the rest (linesorter.ts). Sorted cursors tell each line's lcp with the line before, so deciding a
// line's side mostly reads no byte: see SplitTest.
import type { LineCursor } from './linecursor.ts';

/**
 * Which side of s each line of one sorted cursor falls on, lines given in order with their lcp. It keeps
 * k, the common prefix of the line before with s: a next line sharing more than k bytes with the line
 * before is on its side; one sharing fewer is past s; only one sharing exactly k is compared, from k on.
 */
export class SplitTest {
  readonly s: Uint8Array;
  private readonly sign: number;
  private k = -1;

  constructor(splitter: Uint8Array, reverse: boolean) {
    this.s = splitter;
    this.sign = reverse ? -1 : 1;
  }

  /** The common prefix of the line given last with s (-1 before the first). */
  get shared(): number {
    return this.k;
  }

  /**
   * True when buf[start, end) comes before s in output order. `lcp`: its common prefix with the line
   * given before (ignored for the first; undefined: not known). Call only while lines are before s.
   */
  before(buf: Uint8Array, start: number, end: number, lcp: number | undefined): boolean {
    const k = this.k;
    if (k >= 0 && lcp !== undefined) {
      if (lcp > k) return true;
      if (lcp < k) return false;
    }
    const s = this.s;
    const len = end - start;
    const n = len < s.length ? len : s.length;
    let i = k >= 0 && lcp !== undefined ? k : 0;
    while (i < n && buf[start + i] === s[i]) i++;
    const c = (i < n ? buf[start + i] - s[i] : len - s.length) * this.sign;
    this.k = i;
    return c < 0;
  }
}

/** The lines of a sorted cursor before s, in output order: it ends at the first line that is not. */
export class BeforeSplitter implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  lcp: number | undefined = 0;
  /** True once the source reached a line not before s (its current line; the source is left open). */
  reached = false;
  private readonly src: LineCursor;
  private readonly test: SplitTest;

  constructor(src: LineCursor, splitter: Uint8Array, reverse: boolean) {
    this.src = src;
    this.test = new SplitTest(splitter, reverse);
  }

  advance(): boolean {
    if (this.reached) return false;
    const s = this.src;
    if (!s.advance()) return false;
    if (!this.test.before(s.buf, s.start, s.end, s.lcp)) {
      this.reached = true;
      return false;
    }
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.stable = s.stable === true;
    this.lcp = s.lcp;
    return true;
  }

  /** Leaves the source open: after the range, rest() goes on from the line that ended it. */
  close(): void {
    this.reached = true;
  }

  /** The source from the line that ended the range on (that line first), for a thread merging both ranges. */
  rest(): LineCursor {
    const src = this.src;
    let first = this.reached;
    const c: LineCursor = {
      buf: src.buf, start: src.start, end: src.end, stable: src.stable, lcp: src.lcp,
      advance() {
        if (first) {
          first = false;
          return true;
        }
        if (!src.advance()) return false;
        c.buf = src.buf;
        c.start = src.start;
        c.end = src.end;
        c.stable = src.stable;
        c.lcp = src.lcp;
        return true;
      },
      close: () => src.close(),
    };
    return c;
  }
}

/** A cursor that can skip the lines before a splitter without building them (LineRunReader). */
export interface SkippingCursor extends LineCursor {
  /** Moves to the first line not before `test`'s splitter; false when there is none. */
  skipBefore(test: SplitTest): boolean;
}

/** The lines of a sorted cursor from s on (in output order): those before s are skipped. */
export class FromSplitter implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  lcp: number | undefined = 0;
  private readonly src: LineCursor;
  private test: SplitTest | undefined;

  constructor(src: LineCursor, splitter: Uint8Array, reverse: boolean) {
    this.src = src;
    this.test = new SplitTest(splitter, reverse);
  }

  advance(): boolean {
    const s = this.src;
    const test = this.test;
    if (test !== undefined) {
      if ('skipBefore' in s) {
        if (!(s as SkippingCursor).skipBefore(test)) return false;
      } else {
        if (!s.advance()) return false;
        while (test.before(s.buf, s.start, s.end, s.lcp)) if (!s.advance()) return false;
      }
      this.test = undefined;
      this.lcp = 0; // the first line given: its lcp with the line before it (skipped) is no one's concern
    } else {
      if (!s.advance()) return false;
      this.lcp = s.lcp;
    }
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.stable = s.stable === true;
    return true;
  }

  close(): void {
    this.src.close();
  }
}

/**
 * The splitter that puts about `fraction` of the sampled lines before it in output order, or undefined
 * without samples. Any byte string splits correctly; a sample's quantile only balances the two ranges.
 */
export function pickSplitter(samples: readonly Buffer[], reverse: boolean, fraction = 0.5): Buffer | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort(Buffer.compare);
  const i = Math.min(sorted.length - 1, Math.floor((reverse ? 1 - fraction : fraction) * sorted.length));
  return sorted[i];
}
