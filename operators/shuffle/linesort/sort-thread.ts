// The LineSorter's helper thread seen from the main thread: starts sort-worker.ts, hands it one job at a
// time (write a sorted arena's run, sort some groups of the arena this thread is sorting, or merge runs)
// and waits for the result synchronously through a shared status block — the sorter's API is synchronous,
// so it cannot receive messages.
import type { Worker } from 'node:worker_threads';
import { DONE, FAILED, RUNNING, STATUS_BYTES, type GroupsJob, type MergeJob, type RangeJob, type WorkerJob } from './runsort.ts';
import { bundledEntry } from '../../../plumbing/worker-entry.ts';

/** What the worker reports when a job failed (its status block's error text). */
export interface WorkerFailure {
  disk?: boolean;
  written?: number;
  pending?: number;
  message: string;
  code?: string;
}

/** A finished job: its run's records and bytes, or why it failed. */
export type ThreadResult = { records: number; bytes: number; failure?: undefined } | { failure: WorkerFailure };

export class SortThread {
  private worker: Worker | undefined;
  private status: SharedArrayBuffer | undefined;
  /** The status block's state word. */
  private st: Int32Array | undefined;

  /** Start the worker without waiting for it to boot; false when it cannot start. */
  start(): boolean {
    if (this.worker) return true;
    const file = import.meta.url.endsWith('.ts') ? './sort-worker.ts' : './sort-worker.js';
    try {
      const status = new SharedArrayBuffer(STATUS_BYTES);
      // node:worker_threads is loaded when a worker starts, not with the module (~2 ms of a sort's start-up).
      const w = new (process.getBuiltinModule('node:worker_threads').Worker)(bundledEntry(new URL(file, import.meta.url)));
      w.unref();
      w.on('error', () => {}); // a failure is seen through the status block (or the start timeout)
      w.postMessage({ hello: status });
      this.worker = w;
      this.status = status;
      this.st = new Int32Array(status, 0, 1);
      return true;
    } catch {
      return false;
    }
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  private state(): number {
    return this.st ? Atomics.load(this.st, 0) : 0;
  }

  /** Booted and not busy. */
  idle(): boolean {
    const s = this.state();
    return s !== 0 && s !== RUNNING;
  }

  /** Waits up to `ms` for the worker to boot; false if it did not. */
  booted(ms: number): boolean {
    if (!this.status) return false;
    const st = new Int32Array(this.status, 0, 1);
    return !(Atomics.load(st, 0) === 0 && Atomics.wait(st, 0, 0, ms) === 'timed-out');
  }

  /** Hands the (idle, booted) worker a job; its arrays are shared memory, cloned as handles. */
  post(job: Omit<WorkerJob, 'status'> | Omit<MergeJob, 'status'> | Omit<RangeJob, 'status'> | Omit<GroupsJob, 'status'>): void {
    const status = this.status as SharedArrayBuffer;
    Atomics.store(this.st as Int32Array, 0, RUNNING);
    const full = { ...job, status } as WorkerJob | MergeJob | RangeJob | GroupsJob;
    (this.worker as Worker).postMessage(full);
  }

  /** Waits for the job posted last. */
  wait(): ThreadResult {
    const status = this.status as SharedArrayBuffer;
    const st = new Int32Array(status, 0, 2);
    while (Atomics.load(st, 0) === RUNNING) Atomics.wait(st, 0, RUNNING);
    if (st[0] === FAILED) return { failure: JSON.parse(Buffer.from(status, 24, st[1]).toString()) as WorkerFailure };
    if (st[0] !== DONE) return { failure: { message: `mrpipe: sort worker in unexpected state ${st[0]}` } };
    const nums = new Float64Array(status, 8, 2);
    return { records: nums[0], bytes: nums[1] };
  }

  stop(): void {
    if (this.worker) void this.worker.terminate();
    this.worker = undefined;
    this.status = undefined;
    this.st = undefined;
  }
}

/** The error a worker's failure stands for (its message and code). */
export function failureError(f: WorkerFailure): Error {
  return Object.assign(new Error(f.message), { code: f.code });
}
