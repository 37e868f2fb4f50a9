// k-way merge of sorted sources with a loser tree. Stable: on equal records the source listed first wins,
// so merging runs in the order they were written keeps input order among equals.
import type { Comparator } from '../sort/compare.ts';
import { cursorOf, iterateCursor, type Cursor } from './cursor.ts';

export const DEFAULT_FAN_IN = 16;

/**
 * A loser tree (tournament tree) over the sources: the record handed out next is the winner of
 * ceil(log2 k) matches replayed from its source's leaf, one comparison per level, where a binary heap's
 * sift-down takes two per level (a 16-run merge: 4 comparisons a record instead of up to 8). Matches are
 * decided by (record, source index), a strict order: equal records leave in source order, so the merge is
 * stable. An exhausted source loses every match.
 */
class TreeMerge<T> implements Cursor<T>, Iterable<T> {
  current: T = undefined as T;
  private readonly src: Cursor<T>[];
  private readonly cmp: Comparator<T>;
  /** tree[1..k-1]: the loser of the match at that node (a source index); tree[0]: the overall winner. */
  private readonly tree: Int32Array;
  private readonly done: Uint8Array;
  private started = false;
  private closed = false;

  constructor(sources: Cursor<T>[], compare: Comparator<T>) {
    this.src = sources;
    this.cmp = compare;
    this.tree = new Int32Array(Math.max(1, sources.length)).fill(-1);
    this.done = new Uint8Array(sources.length);
  }

  /** Whether source a's record goes before source b's. */
  private beats(a: number, b: number): boolean {
    if (this.done[a] !== 0) return false;
    if (this.done[b] !== 0) return true;
    const c = this.cmp(this.src[a].current, this.src[b].current);
    return c < 0 || (c === 0 && a < b);
  }

  /** Plays source s's record up from its leaf (leaves are k..2k-1 of the implicit tree). */
  private replay(s: number): void {
    const tree = this.tree;
    let winner = s;
    for (let node = (s + this.src.length) >> 1; node > 0; node >>= 1) {
      const other = tree[node];
      if (other < 0) {
        // Building: the first of the node's two subtrees to arrive waits there for the other.
        tree[node] = winner;
        return;
      }
      if (this.beats(other, winner)) {
        tree[node] = winner;
        winner = other;
      }
    }
    tree[0] = winner;
  }

  advance(): boolean {
    if (this.closed) return false;
    const k = this.src.length;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < k; i++) {
        if (!this.src[i].advance()) this.done[i] = 1;
        this.replay(i);
      }
    } else {
      const w = this.tree[0];
      if (!this.src[w].advance()) this.done[w] = 1;
      this.replay(w);
    }
    const top = this.tree[0];
    if (k === 0 || this.done[top] !== 0) {
      this.close();
      return false;
    }
    this.current = this.src[top].current;
    return true;
  }

  close(): void {
    this.closed = true;
    for (const s of this.src) s.close();
  }

  [Symbol.iterator](): Iterator<T> {
    return iterateCursor(this);
  }
}

/** Merge sorted cursors into one sorted cursor (also a sync Iterable). Equal records: earlier source first. */
export function mergeCursors<T>(sources: Cursor<T>[], compare: Comparator<T>): Cursor<T> & Iterable<T> {
  return new TreeMerge(sources, compare);
}

/** Merge sorted sync iterables (arrays, run readers, generators) into one sorted, stable sync iterable. */
export function mergeSorted<T>(sources: Iterable<T>[], compare: Comparator<T>): Cursor<T> & Iterable<T> {
  return new TreeMerge(sources.map(cursorOf), compare);
}
