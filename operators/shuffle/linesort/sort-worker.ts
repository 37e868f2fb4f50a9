// The LineSorter's helper thread: sorts groups of the arena the main thread is sorting, writes a sorted
// arena's run while the main thread fills the other arena, merges every other group of a merge pass while
// the main thread merges the others, and merges the final merge's upper key range while the main thread
// writes the lower one. Arenas, offsets, order and lcp are SharedArrayBuffers (no copy). The result goes back through
// shared memory (state + numbers + error text), because the main thread waits for it synchronously with
// Atomics.wait — it cannot receive messages while the Sorter's sync API blocks.
import { parentPort } from 'node:worker_threads';
import { groupScratch, sortGroups, type SortScratch } from './bytesort.ts';
import {
  DONE, FAILED, READY, STATUS_BYTES, mergeRange, mergeRuns, writeSortedRun, type GroupsJob, type MergeJob, type RangeJob,
  type WorkerJob,
} from './runsort.ts';
import { DiskFullError } from '../runs/errors.ts';
import { collectGarbage } from '../gc.ts';

let scratch: SortScratch | undefined;
let ioBuffer: Buffer | undefined;
const mergeBuffers: Buffer[] = [];
/** A sort job ran since the last GC: this isolate may still reference a shared arena. */
let sorted = false;

/** Publishes a range job's bytes written, waking the thread that copies them. */
function written(progress: SharedArrayBuffer): (bytes: number) => void {
  const p = new BigInt64Array(progress);
  return (bytes) => {
    Atomics.store(p, 0, BigInt(bytes));
    Atomics.notify(p, 0);
  };
}

parentPort?.on('message', (job: WorkerJob | MergeJob | RangeJob | GroupsJob | { hello: SharedArrayBuffer }) => {
  if ('hello' in job) {
    const st = new Int32Array(job.hello, 0, 2);
    Atomics.store(st, 0, READY);
    Atomics.notify(st, 0);
    return;
  }
  const state = new Int32Array(job.status, 0, 2);
  const nums = new Float64Array(job.status, 8, 2);
  try {
    let r: { records: number; bytes: number };
    if ('merge' in job || 'range' in job) {
      if (sorted) {
        // The merge passes come after the last sort: let the arenas (shared with the main thread, which has
        // dropped them) and the sort scratch go before the merge's buffers come on top of them.
        sorted = false;
        scratch = undefined;
        ioBuffer = undefined;
        collectGarbage();
      }
      r = 'merge' in job
        ? mergeRuns(job.merge, job.file, job.ioSize, job.reverse, mergeBuffers)
        : mergeRange(job.range, job.splitter, job.file, job.ioSize, job.reverse, job.unique, mergeBuffers, written(job.progress));
    } else if ('groups' in job) {
      sorted = true;
      scratch = groupScratch(job.order, job.lcp, scratch);
      sortGroups(Buffer.from(job.arena), job.starts, job.lens, scratch, Array.from(job.groups));
      r = { records: 0, bytes: 0 };
    } else {
      sorted = true;
      if (ioBuffer?.length !== job.ioSize) ioBuffer = Buffer.allocUnsafeSlow(job.ioSize);
      r = writeSortedRun(Buffer.from(job.arena), job, ioBuffer);
    }
    nums[0] = r.records;
    nums[1] = r.bytes;
    Atomics.store(state, 0, DONE);
  } catch (err) {
    const e = err as Error & { code?: string };
    const info = e instanceof DiskFullError
      ? { disk: true, written: e.bytesWritten, pending: e.bytesPending, message: e.message, code: e.code }
      : { message: e.message, code: e.code };
    const text = Buffer.from(JSON.stringify(info)).subarray(0, STATUS_BYTES - 24);
    Buffer.from(job.status, 24).set(text);
    state[1] = text.length;
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
});
