// External sort of lines as bytes, byte order (LC_ALL=C sort with no keys): lines are copied into one
// arena buffer with their offsets in typed arrays, sorted by an MSD radix sort over the offsets, and
// spilled as run files straight from the arena (run-spiller.ts); the merge compares raw bytes. No string
// per line is ever made, so what is held is exactly the arena plus 18 bytes of offsets and sort scratch per
// line — the budget is honest and the V8 heap stays small (no GC work proportional to the input). This
// file: the merge passes (the shared planner, groups on both threads) and the final merge.
import fs from 'node:fs';
import path from 'node:path';
import { freeNow } from '../../lines/byte-carry.ts';
import { collectGarbage } from '../gc.ts';
import { failureError } from './sort-thread.ts';
import { LineMerge, LineRunReader, UniqueLines, type LineCursor } from './linerun.ts';
import { isFdLimit, openAll } from '../runs/fdlimit.ts';
import { mergeRuns } from '../runs/merge-plan.ts';
import { pickSplitter } from './splitter.ts';
import { lineChunks } from './line-chunks.ts';
import { RunSpiller } from './run-spiller.ts';
import { splitChunks } from './split-output.ts';

export { lineChunks } from './line-chunks.ts';
export { LINE_OVERHEAD } from './line-overhead.ts';
export type { LineSorterOptions, LineSorterStats } from './linesorter-options.ts';

/**
 * Share of the lines this thread merges in a split final merge: it also copies the worker's text, as the
 * worker writes it.
 */
const SPLIT_FRACTION = 0.5;
/**
 * Runs merged at once when both threads merge the final runs (LINE_FAN_IN otherwise). 64 spares 300 MB
 * of real text (~46 runs) the pass before the final merge, which runs on one thread while the other waits:
 * 0.6 s less CPU of 6.6, for one more loser-tree level per line.
 */
const SPLIT_FAN_IN = 64;

export class LineSorter extends RunSpiller {
  /** Worker merges that hit the fd limit: their output file → the group, back among the runs unmerged. */
  private readonly unmerged = new Map<string, string[]>();
  /** Set when a worker merge hit the fd limit: the main thread merges alone from then on. */
  private noWorkerMerges = false;

  /** A reader for a run; `slot` picks one of fanIn reusable I/O buffers (a merge's i-th source). */
  private reader(file: string, slot: number): LineCursor {
    this.readBufs[slot] ??= Buffer.allocUnsafeSlow(this.ioBuffer());
    const r = new LineRunReader(file, this.ioBuffer(), this.readBufs[slot], this.opts.compressProgram);
    this.open.add(r);
    return r;
  }

  /** Readers for `files` (slots 0..n-1), or undefined when the fd limit stopped them (none left open). */
  private openRuns(files: readonly string[]): LineCursor[] | undefined {
    return openAll(files, (f, i) => this.reader(f, i));
  }

  /**
   * The merge planner's kernel: merges a group of consecutive runs into a new run, on the worker when it is
   * idle (its output file stands in the group's place; settle() puts the group back if the worker failed).
   */
  private mergeGroup(group: string[]): string | undefined {
    const onWorker = this.mergeOnWorker(group);
    if (onWorker !== undefined) return onWorker;
    const sources = this.openRuns(group);
    if (sources === undefined) return undefined;
    const m = new LineMerge(sources, !!this.opts.reverse);
    let out: string;
    try {
      out = this.writeRun((w) => {
        while (m.advance()) w.write(m.buf, m.start, m.end, m.lcp);
      });
    } catch (err) {
      for (const c of sources) c.close(); // e.g. the run file itself could not be opened
      throw err;
    }
    for (const f of group) fs.rmSync(f, { force: true });
    return out;
  }

  /** After a merge pass: waits for the worker's merge and puts back the groups of merges that failed there. */
  private settle(runs: string[]): string[] {
    this.collectMerge();
    if (this.unmerged.size === 0) return runs;
    const out = runs.flatMap((f) => this.unmerged.get(f) ?? [f]);
    this.unmerged.clear();
    return out;
  }

  /**
   * Threaded: hands a merge-pass group to the worker when it is idle (collecting the group it merged
   * before), so the two threads merge groups side by side. False when this thread must merge it.
   */
  private mergeOnWorker(group: string[]): string | undefined {
    if (!this.thread.running || this.noWorkerMerges) return undefined;
    // Still booting (a small input got here first): worth a short wait, the passes take far longer.
    if (!this.thread.booted(5000)) this.noWorkerMerges = true;
    if (!this.thread.idle()) return undefined;
    this.collectMerge();
    if (this.noWorkerMerges) return undefined;
    const file = this.runPath();
    this.thread.post({ merge: group, file, ioSize: this.ioBuffer(), reverse: !!this.opts.reverse });
    this.pendingMerge = { group, file };
    return file;
  }

  /**
   * Waits for the worker's merge (if any) and adds its output to the runs. If it hit the fd limit its
   * group goes back among the runs unmerged (the worker removes inputs only after success) and this thread
   * merges alone from then on; any other failure is thrown.
   */
  private collectMerge(): void {
    const job = this.pendingMerge;
    if (job === undefined) return;
    const r = this.thread.wait();
    this.pendingMerge = undefined;
    if (r.failure) {
      const err = failureError(r.failure);
      if (isFdLimit(err)) {
        this.noWorkerMerges = true;
        this.unmerged.set(job.file, job.group);
        return;
      }
      this.dispose();
      throw err;
    }
    this.stats.bytesSpilled += r.bytes;
    this.stats.runs++;
    this.stats.workerMerges = (this.stats.workerMerges ?? 0) + 1;
    this.opts.onSpill?.({ file: job.file, records: r.records, bytes: r.bytes });
  }

  /** All lines, sorted: from memory if nothing was spilled, else the final merge. Call once. */
  finish(): LineCursor {
    return this.finalMerge(false).cursor;
  }

  /**
   * finish() as output text: the sorted lines, each ended by LF, in fresh chunks of about `chunkSize`
   * bytes. Threaded with runs on disk, the final merge runs on both threads: split at a splitter line
   * sampled from the input (splitter.ts), the worker merges the lines from it on into a text file in the
   * temp dir while this thread merges the lines before it straight out, then copies the worker's file. If
   * the worker fails (out of descriptors, disk), this thread merges the rest itself. Call once.
   */
  finishChunks(chunkSize = 1 << 18): Generator<Buffer, void, undefined> {
    const { cursor, split } = this.finalMerge(true);
    if (split === undefined) return lineChunks(cursor, chunkSize);
    const upper = path.join(this.dir as string, 'upper');
    const progress = new SharedArrayBuffer(8);
    this.thread.post({
      range: split.runs, splitter: split.splitter, file: upper, ioSize: this.ioBuffer(),
      reverse: !!this.opts.reverse, unique: !!this.opts.unique, progress,
    });
    return splitChunks(this.thread, () => this.stopWorker(), !!this.opts.reverse, cursor, split.splitter, upper, new BigInt64Array(progress), chunkSize);
  }

  /**
   * Ends the input and opens the final merge (after any merge passes). `split`: threaded with runs on
   * disk, everything is spilled and the worker kept for a split final merge over `split.runs`.
   */
  private finalMerge(split: boolean): { cursor: LineCursor; split?: { runs: string[]; splitter: Buffer } } {
    if (this.finished) throw new Error('mrpipe: LineSorter.finish() called twice');
    this.end();
    this.finished = true;
    if (this.runs.length === 0 && this.pending === undefined) return { cursor: this.sortedHeld() };
    split &&= this.threaded && this.thread.running && this.samples.length > 0;
    // When the runs fit one final merge, the last buffer is not spilled: it joins that merge from memory
    // (one run less written and read back; equal lines are equal bytes, so where it sits among the
    // sources cannot be observed). With merge passes ahead it is spilled and the arena released, so the
    // passes' read buffers do not come on top of a full arena; and so it is for a split final merge,
    // whose two threads both read every run.
    let held: LineCursor | undefined;
    const runs = this.runs.length + (this.pending === undefined ? 0 : 1);
    if (!split && this.count > 0 && runs < this.fanIn) held = this.sortedHeld(); // while the worker finishes its run
    else this.spill();
    this.awaitWorker();
    // With merge passes ahead, the worker stays to merge every other group of them.
    if (!split && (held || this.runs.length <= this.fanIn)) this.stopWorker();
    if (split) {
      // No buffer held: both threads' readers share the budget, and a wider final merge (unless a fan-in
      // was asked for) spares the merge pass that would run on one thread while the other waits.
      this.twoMerging = true;
      this.fanIn = this.ioFanIn = this.opts.fanIn ?? SPLIT_FAN_IN;
    }
    if (!held) {
      if (!this.arenas.some((a) => a === this.data.buffer)) freeNow(this.data);
      this.data = Buffer.alloc(0);
      this.arenas = [];
      this.orders = [];
      this.otherIdx = undefined;
      this.starts = new Uint32Array(0);
      this.lens = new Uint32Array(0);
      this.scratch = undefined;
      collectGarbage(); // the arena lives outside the heap: without a GC it stays resident through the passes
    }
    let last: string[] = [];
    const { merged: sources, fanIn, passes } = mergeRuns(this.runs, { fanIn: this.fanIn, held: !!held }, {
      merge: (group) => this.mergeGroup(group),
      open: (runs) => {
        last = runs;
        return this.openRuns(runs);
      },
      settle: (runs) => this.settle(runs),
    });
    this.runs = [];
    this.fanIn = fanIn;
    this.stats.mergePasses += passes + 1;
    if (held) sources.push(held);
    const m = new LineMerge(sources, !!this.opts.reverse);
    const cursor = this.opts.unique ? new UniqueLines(m) : m;
    // the worker may have stopped merging (fd limit) or not come up: then this thread merges alone
    const up = split && !this.noWorkerMerges && this.thread.booted(5000) && this.thread.idle();
    const splitter = up ? pickSplitter(this.samples, !!this.opts.reverse, SPLIT_FRACTION) : undefined;
    this.samples = [];
    if (splitter === undefined) {
      this.stopWorker();
      return { cursor };
    }
    this.stats.splitFinal = true;
    return { cursor, split: { runs: last, splitter } };
  }
}
