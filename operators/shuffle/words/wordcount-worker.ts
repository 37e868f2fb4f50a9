// A ParallelWordCounter's helper thread: takes every slot of text the main thread publishes in the shared
// ring (in input order; no message per slot, it waits on the ring's counter) and counts the words the main
// thread handed it there (descriptors: wordsplit.ts; it never scans the text) in its own WordCounter,
// spilling sorted runs into the shared directory. At the end it merges its
// runs and its table into one sorted run, `out`, which the main thread reads as it grows. Progress and
// failure go through shared memory too: the main thread may be blocked in Atomics.wait, where no message
// arrives.
import { parentPort, workerData } from 'node:worker_threads';
import { WordCounter } from './wordcounter.ts';
import { WordRunWriter } from './wordrun.ts';
import { addCarried, carryScratch } from './wordscan.ts';
import { DESC_INTS, readDescriptors } from './wordsplit.ts';
import { ByteCarry } from '../../lines/byte-carry.ts';
import { DiskFullError } from '../runs/errors.ts';
import {
  BALANCE_SLOTS, CONTROL_SPILLING, CPU_RING, EARLY_SPILL, HELPER_COUNTING, HELPER_DONE, HELPER_FAILED, HELPER_WRITING, RING_COUNTS,
  RING_ENDED, RING_PUBLISHED, RING_SPILLING, STATS_BATCHES, STATS_CPU, threadCpu, type WordCountWorkerData, type WordCountWorkerResult,
} from './wordcount-protocol.ts';

const data = workerData as WordCountWorkerData;
const states = new Int32Array(data.states);
const control = new Int32Array(data.control);
const stats = new Float64Array(data.stats);
let failed = false;

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  const e = err as Error & { code?: string };
  const error: WordCountWorkerResult['error'] = e instanceof DiskFullError
    ? { message: e.message, code: e.code, file: e.file, written: e.bytesWritten, pending: e.bytesPending }
    : { message: String(e?.message ?? e), code: e?.code };
  const json = Buffer.from(JSON.stringify(error));
  const into = Buffer.from(data.error);
  if (json.length <= into.length) json.copy(into);
  setState(HELPER_FAILED);
  parentPort?.postMessage({ error } satisfies WordCountWorkerResult);
}

/** Publishes a state (and wakes the main thread, which may wait on either word). */
function setState(state: number): void {
  Atomics.store(control, 0, state);
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 0);
  Atomics.notify(control, 1);
}

/** Tells the main thread this helper spills (if it waits for a slot, it may spill too), or has done. */
function spilling(on: boolean): void {
  Atomics.store(control, CONTROL_SPILLING, on ? 1 : 0);
  for (let s = 0; s < data.slotCount; s++) Atomics.notify(states, s);
}

/** A run writer whose every flush tells the main thread, which reads the run as it grows. */
class SharedRunWriter extends WordRunWriter {
  override flush(): void {
    super.flush();
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
}

// A helper that dies any other way must not leave the main thread waiting.
process.on('exit', () => {
  const state = Atomics.load(control, 0);
  if (state === HELPER_COUNTING || state === HELPER_WRITING) fail(new Error('mrpipe: a word-count helper thread exited before it finished'));
});

let counter: WordCounter | undefined;
try {
  counter = new WordCounter({ memory: data.memory, fanIn: data.fanIn, runDir: data.runDir, runPrefix: data.runPrefix, onSpill: spilling });
  for (const run of data.runs) counter.countRun(run);
} catch (err) {
  fail(err);
}

const bytes = Buffer.from(data.slots);
const descs = new Int32Array(data.descs);
/** A long word handed out in pieces, until its last. */
const carry = new ByteCarry();
const scratch = carryScratch();

const c = counter;
const addWord = (s: number, e: number, h: number): void => c?.addWord(bytes, s, e, h);
const addCarriedWord = (w: Buffer, s: number, e: number, h: number): void => c?.addWord(w, s, e, h);
const addPiece = (s: number, e: number, last: boolean): void => {
  carry.append(bytes, s, e);
  if (last) addCarried(carry, scratch, addCarriedWord);
};

/** Counts the words of slot `slot` that are this helper's. */
function count(slot: number, n: number): void {
  const d = (slot * data.helpers + data.me - 1) * data.descCap * DESC_INTS;
  readDescriptors(descs, d, d + n * DESC_INTS, slot * data.slotBytes, addWord, addPiece);
}

/** While the main thread spills: spills this helper's table too, if it is full enough (true if it did). */
function spillEarly(): boolean {
  try {
    return counter?.spillEarly(EARLY_SPILL) ?? false;
  } catch (err) {
    fail(err);
    return false;
  }
}

/** Counts the slots in the order they are published, then (once the input has ended) merges. */
function run(): void {
  const ring = new Int32Array(data.ring);
  let consumed = 0;
  while (true) {
    const published = Atomics.load(ring, RING_PUBLISHED);
    if (consumed < published) {
      const slot = consumed % data.slotCount;
      try {
        if (!failed) count(slot, ring[RING_COUNTS + slot * data.helpers + data.me - 1]);
      } catch (err) {
        fail(err);
      }
      // Scanned (or skipped after a failure): the main thread may refill the slot.
      Atomics.sub(states, slot, 1);
      Atomics.notify(states, slot);
      if (++consumed % BALANCE_SLOTS === 0) {
        // This batch's CPU time, then its number: the main thread reads them in the other order.
        const batch = consumed / BALANCE_SLOTS;
        stats[STATS_CPU + (batch % CPU_RING)] = threadCpu();
        stats[STATS_BATCHES] = batch;
      }
      continue;
    }
    if (Atomics.load(ring, RING_ENDED) === 1) {
      if (Atomics.load(ring, RING_PUBLISHED) > consumed) continue;
      break;
    }
    if (Atomics.load(ring, RING_SPILLING) === 1 && !failed && spillEarly()) continue;
    Atomics.wait(ring, RING_PUBLISHED, published, 1000);
  }
  if (failed || !counter) return;
  try {
    const cursor = counter.finish();
    const w = new SharedRunWriter(data.out, Buffer.allocUnsafeSlow(256 * 1024));
    setState(HELPER_WRITING);
    try {
      while (cursor.advance()) w.write(cursor.buf, cursor.start, cursor.end, cursor.count);
      w.close();
    } catch (err) {
      cursor.close();
      w.abort();
      throw err;
    }
    const { words, spills, mergePasses } = counter.stats;
    stats.set([words, spills, mergePasses]);
    setState(HELPER_DONE);
  } catch (err) {
    fail(err);
  }
}

run();
