// K-way merge of sorted cursors with a binary heap; equal keys come out in source order, so a merge of runs
// listed in input order is stable (first/collect and map-only jobs rely on that). More runs than the fan-in
// are merged in passes of adjacent groups, which keeps that order.
import { join } from 'node:path';
import { compareKeys } from './keys.ts';
import { RunReader, RunWriter, type Cursor } from './run-file.ts';

export class MergeCursor implements Cursor {
  key = '';
  val: string | undefined = undefined;
  /** Index of the source the current record came from. */
  src = -1;
  private heap: number[] = [];
  private primed = false;
  private readonly sources: Cursor[];

  constructor(sources: Cursor[]) {
    this.sources = sources;
  }

  private less(i: number, j: number): boolean {
    const c = compareKeys(this.sources[i].key, this.sources[j].key);
    return c < 0 || (c === 0 && i < j);
  }

  private down(pos: number): void {
    const h = this.heap;
    const n = h.length;
    const item = h[pos];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(h[child + 1], h[child])) child++;
      if (!this.less(h[child], item)) break;
      h[pos] = h[child];
      pos = child;
    }
    h[pos] = item;
  }

  next(): boolean {
    const h = this.heap;
    if (!this.primed) {
      this.primed = true;
      for (let i = 0; i < this.sources.length; i++) if (this.sources[i].next()) h.push(i);
      for (let i = (h.length >> 1) - 1; i >= 0; i--) this.down(i);
    } else if (h.length > 0) {
      // Advance the source we returned last (it is at the top).
      const top = h[0];
      if (this.sources[top].next()) this.down(0);
      else {
        const last = h.pop() as number;
        if (h.length > 0) { h[0] = last; this.down(0); }
      }
    }
    if (h.length === 0) return false;
    const s = this.sources[h[0]];
    this.key = s.key;
    this.val = s.val;
    this.src = h[0];
    return true;
  }

  close(): void {
    for (const s of this.sources) s.close();
  }
}

export interface MergePlanOptions {
  fanIn: number;
  bufferSize: number;
  /** Directory for intermediate runs. */
  scratchDir: string;
  /** Called per intermediate run written (counts as a spill). */
  onPass?: (path: string) => void;
}

let passSeq = 0;

/**
 * Opens a cursor over the stable merge of the given run files, merging groups of fanIn adjacent runs into
 * intermediate runs first while there are more than fanIn. Intermediate runs are deleted by the caller
 * (they live in scratchDir).
 */
export function openMerged(paths: string[], opts: MergePlanOptions): MergeCursor {
  let level = paths;
  while (level.length > opts.fanIn) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += opts.fanIn) {
      const group = level.slice(i, i + opts.fanIn);
      if (group.length === 1) { next.push(group[0]); continue; }
      const out = join(opts.scratchDir, `merge-${process.pid}-${++passSeq}.run`);
      const w = new RunWriter(out, opts.bufferSize);
      const m = new MergeCursor(group.map((p) => new RunReader(p, opts.bufferSize)));
      try {
        while (m.next()) w.add(m.key, m.val);
      } finally {
        m.close();
        w.close();
      }
      opts.onPass?.(out);
      next.push(out);
    }
    level = next;
  }
  return new MergeCursor(level.map((p) => new RunReader(p, opts.bufferSize)));
}
