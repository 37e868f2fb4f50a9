// A ParallelWordCounter's helper thread: counts the pieces of text the main thread copies into its shared
// slots (each piece whole words) in its own WordCounter, spilling sorted runs into the shared directory.
// At the end it spills what its table holds and sends back the run names; the main thread merges them.
import { parentPort, workerData } from 'node:worker_threads';
import { WordCounter } from './wordcounter.ts';
import { DiskFullError } from './errors.ts';

export interface WordCountWorkerData {
  memory: number;
  fanIn: number | undefined;
  runDir: string;
  runPrefix: string;
  /** slotCount slots of slotBytes each. */
  slots: SharedArrayBuffer;
  slotBytes: number;
  /** Int32 per slot: 0 free, 1 holding a piece for this worker. */
  states: SharedArrayBuffer;
}

export type WordCountWorkerMessage = { slot: number; length: number } | { end: true };

export interface WordCountWorkerResult {
  done?: { runs: string[]; words: number; bytes: number; spills: number; mergePasses: number };
  error?: { message: string; code?: string; file?: string; written?: number; pending?: number };
}

const data = workerData as WordCountWorkerData;
const counter = new WordCounter({ memory: data.memory, fanIn: data.fanIn, runDir: data.runDir, runPrefix: data.runPrefix });
const states = new Int32Array(data.states);
let failed = false;

parentPort?.on('message', (msg: WordCountWorkerMessage) => {
  if (failed) return;
  try {
    if ('slot' in msg) {
      counter.write(Buffer.from(data.slots, msg.slot * data.slotBytes, msg.length));
      Atomics.store(states, msg.slot, 0);
      return;
    }
    const runs = counter.spillAll();
    const { words, bytes, spills, mergePasses } = counter.stats;
    parentPort?.postMessage({ done: { runs, words, bytes, spills, mergePasses } } satisfies WordCountWorkerResult);
  } catch (err) {
    failed = true;
    const e = err as Error & { code?: string };
    const error: WordCountWorkerResult['error'] = e instanceof DiskFullError
      ? { message: e.message, code: e.code, file: e.file, written: e.bytesWritten, pending: e.bytesPending }
      : { message: e.message, code: e.code };
    parentPort?.postMessage({ error } satisfies WordCountWorkerResult);
  }
});
