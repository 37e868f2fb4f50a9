// k-way merge of sorted sources with a binary heap. Stable: on equal records the source listed first wins,
// so merging runs in the order they were written keeps input order among equals.
import type { Comparator } from '../sort/compare.ts';
import { cursorOf, iterateCursor, type Cursor } from './cursor.ts';

export const DEFAULT_FAN_IN = 16;

class HeapMerge<T> implements Cursor<T>, Iterable<T> {
  current: T = undefined as T;
  private readonly src: Cursor<T>[];
  private readonly heap: number[] = [];
  private readonly cmp: Comparator<T>;
  private started = false;
  private top = -1; // source whose record was handed out last and must advance next

  constructor(sources: Cursor<T>[], compare: Comparator<T>) {
    this.src = sources;
    this.cmp = compare;
  }

  private less(i: number, j: number): boolean {
    const c = this.cmp(this.src[i].current, this.src[j].current);
    return c < 0 || (c === 0 && i < j);
  }

  private siftDown(pos: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[pos];
    while (true) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1], heap[child])) child++;
      if (!this.less(heap[child], item)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = item;
  }

  advance(): boolean {
    const heap = this.heap;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.src.length; i++) if (this.src[i].advance()) heap.push(i);
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
    } else if (this.top >= 0) {
      if (!this.src[this.top].advance()) {
        const last = heap.pop() as number;
        if (heap.length > 0) heap[0] = last;
      }
      if (heap.length > 1) this.siftDown(0);
    }
    if (heap.length === 0) {
      this.top = -1;
      this.close();
      return false;
    }
    this.top = heap[0];
    this.current = this.src[this.top].current;
    return true;
  }

  close(): void {
    for (const s of this.src) s.close();
    this.heap.length = 0;
  }

  [Symbol.iterator](): Iterator<T> {
    return iterateCursor(this);
  }
}

/** Merge sorted cursors into one sorted cursor (also a sync Iterable). Equal records: earlier source first. */
export function mergeCursors<T>(sources: Cursor<T>[], compare: Comparator<T>): Cursor<T> & Iterable<T> {
  return new HeapMerge(sources, compare);
}

/** Merge sorted sync iterables (arrays, run readers, generators) into one sorted, stable sync iterable. */
export function mergeSorted<T>(sources: Iterable<T>[], compare: Comparator<T>): Cursor<T> & Iterable<T> {
  return new HeapMerge(sources.map(cursorOf), compare);
}
