// A streaming task (map, combine, reduce) on a worker thread. The tasks read and write synchronously (a
// reducer's values are a synchronous iterable), so on the main thread they keep the event loop, and with
// it SIGINT/SIGTERM, waiting until all input is read. With `-o FILE` a temp file must be removed when the
// process is stopped: the task then runs here, and the main thread stays free to act on a signal at once
// (the registry of plumbing/tempdirs.ts removes the temp file and lets the signal end the process).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { InlineJob } from '../../job/types.ts';
import { BrokenPipe, CliError, failure } from '../errors.ts';
import { loadJobSpec } from '../job-spec.ts';
import { runMapTask } from './map-task.ts';
import { runCombineTask, runReduceTask } from './reduce-task.ts';
import { SyncOutput } from './sync-io.ts';
import { bundledEntry } from '../../../plumbing/worker-entry.ts';

export type TaskKind = 'map' | 'combine' | 'reduce';

export interface ThreadTask {
  kind: TaskKind;
  spec: string | InlineJob;
  inputs: string[];
  /** The descriptor to write to (shared by every thread of the process) and its name for messages. */
  fd: number;
  outName: string;
  badRecords: number;
  maxLineBytes: number | undefined;
}

/** What the thread reports: nothing (done) or the error, as the command would have thrown it. */
interface Outcome {
  error?: { message: string; stack?: string; exitCode?: number; brokenPipe?: boolean };
}

const TASKS = { map: runMapTask, combine: runCombineTask, reduce: runReduceTask };

/** Runs the task to the end on the current thread: loads the job, writes to `fd`, reports the counters. */
export async function runStreamingTask(t: ThreadTask): Promise<void> {
  const job = await loadJobSpec(t.spec);
  const encoding = job.encoding === 'latin1' ? 'latin1' : 'utf8';
  const counters = await TASKS[t.kind](job, { inputs: t.inputs, out: new SyncOutput(t.fd, encoding, t.outName), badRecords: t.badRecords, maxLineBytes: t.maxLineBytes });
  counters.flush();
}

const THREAD_URL = bundledEntry(new URL(`./task-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** Runs the task on a worker thread; resolves when it is done, rejects with its error. */
export function runTaskInThread(t: ThreadTask): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_URL, { workerData: { mrpipeStreamingTask: t } });
    let outcome: Outcome | undefined;
    worker.on('message', (m: Outcome) => { outcome = m; });
    worker.on('error', (err) => { outcome ??= { error: { message: err.message, stack: err.stack } }; });
    // 'exit' comes after the thread's stderr (the counters) has been handed over.
    worker.on('exit', (code) => {
      const e = outcome?.error;
      if (outcome === undefined) reject(failure(`the ${t.kind} task ended without finishing (exit code ${code}; did the job call process.exit?)`));
      else if (e === undefined) resolve();
      else if (e.brokenPipe) reject(new BrokenPipe());
      else if (e.exitCode !== undefined) reject(new CliError(e.message, e.exitCode));
      else reject(Object.assign(new Error(e.message), { stack: e.stack }));
    });
  });
}

if (!isMainThread && parentPort && (workerData as { mrpipeStreamingTask?: ThreadTask })?.mrpipeStreamingTask) {
  const port = parentPort;
  runStreamingTask((workerData as { mrpipeStreamingTask: ThreadTask }).mrpipeStreamingTask).then(
    () => port.postMessage({} satisfies Outcome),
    (err: unknown) => {
      const e = err as Error;
      port.postMessage({
        error: {
          message: e?.message ?? String(err), stack: e?.stack, brokenPipe: err instanceof BrokenPipe,
          exitCode: err instanceof CliError ? err.exitCode : undefined,
        },
      } satisfies Outcome);
    },
  );
}
