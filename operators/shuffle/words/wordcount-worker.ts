// A ParallelWordCounter's helper thread: counts the slots of text the main thread publishes in its ring (in
// order; no message per slot, it waits on the ring's counter) in its own WordCounter, spilling a sorted run
// per range of words into the shared directory. At the end it writes its table's words of the other ranges
// as runs, meets the other threads at a barrier, and merges its own range from every thread's runs into one
// sorted run, `out`, which the main thread reads as it grows. Progress and failure go through shared memory too: the main thread
// may be blocked in Atomics.wait, where no message arrives.
import { parentPort, workerData } from 'node:worker_threads';
import { WordCounter } from './wordcounter.ts';
import { WordRunWriter } from './wordrun.ts';
import { DiskFullError } from '../runs/errors.ts';
import {
  EARLY_SPILL, HELPER_COUNTING, HELPER_DONE, HELPER_FAILED, HELPER_WRITING, RING_ENDED, RING_FILLS, RING_PUBLISHED,
  RING_SPILLING, awaitBarrierSync, passBarrier, type WordCountWorkerData, type WordCountWorkerResult,
} from './wordcount-protocol.ts';

const data = workerData as WordCountWorkerData;
/** Tests only: make this helper fail at a point ('start': before it can say so in shared memory; 'barrier'). */
const FAULT = process.env.MRPIPE_TEST_WC_HELPER_FAULT;
if (FAULT === 'start') throw new Error('mrpipe: injected helper fault (start)');
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
  const into = Buffer.from(data.error);
  let json = Buffer.from(JSON.stringify(error));
  // Too long for the shared buffer: the message is cut, never dropped.
  if (json.length > into.length) json = Buffer.from(JSON.stringify({ ...error, message: `${error.message.slice(0, 800)}…` }));
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
  counter = new WordCounter({ memory: data.memory, fanIn: data.fanIn, runDir: data.runDir, runPrefix: data.runPrefix });
  counter.splitRanges(data.splits.map((b) => Buffer.from(b.buffer, b.byteOffset, b.length)));
} catch (err) {
  fail(err);
}

const bytes = Buffer.from(data.slots);

/** Counts the words of slot `slot`. */
function count(c: WordCounter, ring: Int32Array, slot: number): void {
  const base = slot * data.slotBytes;
  c.write(bytes.subarray(base, base + ring[RING_FILLS + slot]));
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
        if (!failed && counter) count(counter, ring, slot);
      } catch (err) {
        fail(err);
      }
      // Counted (or skipped after a failure): the main thread may refill the slot.
      Atomics.store(states, slot, 0);
      consumed++;
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
    // Its table's words of the other ranges go to their threads as runs; once every thread has written
    // its own, this one merges its range: its runs and table part, and the others' runs of it.
    counter.finishRange(data.range);
    if (FAULT === 'barrier') throw new Error('mrpipe: injected helper fault (barrier)');
    const barrier = new Int32Array(data.barrier);
    passBarrier(barrier);
    awaitBarrierSync(barrier, data.threads);
    const cursor = counter.rangeCursor(data.range);
    const w = new SharedRunWriter(data.out, Buffer.allocUnsafeSlow(256 * 1024));
    setState(HELPER_WRITING);
    try {
      while (cursor.advance()) w.write(cursor.buf, cursor.start, cursor.end, cursor.count);
      w.close();
      counter.dispose();
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
