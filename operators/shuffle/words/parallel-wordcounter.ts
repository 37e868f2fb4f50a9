// ParallelWordCounter: a WordCounter on more than one core. Threads split the text, not the vocabulary:
// the calling thread copies the input into the ring slots of the helper threads (wordcount-worker.ts), each
// slot cut after a separator so that it holds whole words, and counts a piece itself whenever no helper
// has a free slot — so it never waits for a helper, and a busy machine degrades to one thread's speed.
// Every byte is scanned once, by the thread that counts it: handing words over (descriptors) or scanning
// all of the text in every thread cost more CPU than it saved (docs/ENGINES.md). Each thread counts in its
// own table under its share of the budget and spills sorted runs into one shared private directory, one run
// per range of words: the ranges, one per thread, are cut at words sampled when the helpers start. At the
// end each thread writes its table's words of the other ranges as runs too, then merges its own range from
// every thread's runs (a word seen by several threads gets its counts summed): this thread's range, the
// lowest words, goes out while the helpers merge theirs into run files that it reads as they grow. The
// final merge runs on every core, not on this thread alone. Output is the same as WordCounter's, byte for byte.
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { DiskFullError } from '../runs/errors.ts';
import { makeTempDir, registerTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { DEFAULT_WORDCOUNT_MEMORY, DisposingCursor, WordCounter, type WordCounterOptions, type WordCounterStats } from './wordcounter.ts';
import {
  HELPER_COUNTING, HELPER_DONE, HELPER_FAILED, RING_ENDED, RING_FILLS, RING_PUBLISHED, RING_SPILLING, awaitBarrier, passBarrier,
  type WordCountWorkerData, type WordCountWorkerResult,
} from './wordcount-protocol.ts';
import { WordRunReader, type WordCountCursor } from './wordrun.ts';
import { SPACE } from './wordscan.ts';
import { bundledEntry } from '../../../plumbing/worker-entry.ts';

export interface ParallelWordCounterOptions extends WordCounterOptions {
  /** Helper threads counting beside the calling thread (default 1; 0 = count in this thread only). */
  helpers?: number;
  /** Input bytes counted in this thread before the helpers start (default 4 MiB: small inputs start none). */
  startAfter?: number;
  /** Bytes of a ring slot (default 256 KiB; tests make it small to cut words at slot edges). */
  slotBytes?: number;
}

/** Table bytes per input byte that hold every word of a known input: a word of one byte and its blank cost
 * at most ~25 bytes of slots and record. */
const TABLE_BYTES_PER_INPUT_BYTE = 32;
/** The least table sized to the input. */
const MIN_SIZED_TABLE = 16 * 2 ** 20;

/**
 * A counter's memory for an input of `inputBytes` bytes (undefined: unknown, as stdin, .gz or a FIFO): the
 * budget, or less when the input is known and small. A budget-sized table for a one-line file is 256 MB of
 * external memory to V8, which then runs an old-space GC (~10 ms of CPU) in a run that needs none; shell
 * users run word counts in loops over small files. The one rule for `mrpipe wordcount` and `run wordcount`.
 */
export function counterMemoryFor(inputBytes: number | undefined, budget: number): number {
  if (inputBytes === undefined) return budget;
  return Math.min(budget, Math.max(MIN_SIZED_TABLE, TABLE_BYTES_PER_INPUT_BYTE * inputBytes));
}

/**
 * What a helper thread costs besides its table: its V8 isolate (~20 MB of RSS running the built .js; ~41 MB
 * running .ts sources, which instantiate their own type stripper) and its ring (2 MiB of text).
 */
const HELPER_COST = 22 * 2 ** 20;
const SLOTS = 8;
const SLOT_BYTES = 256 * 1024;
/** A counter's table below this is not worth a thread: fewer helpers are started. */
const MIN_SHARE = 8 * 2 ** 20;
/** Input counted here before helpers start: a small input is not worth a thread's start-up. */
const START_AFTER = 4 * 2 ** 20;
const ERROR_BYTES = 4096;
/**
 * This thread's share of the words of the final merge against a helper's 1: it also writes every word out
 * and reads the helpers' merged ranges back.
 */
const MAIN_RANGE_WEIGHT = 0.7;
/** How long one wait for a helper blocks before its state is looked at again (ms). */
const WAIT_MS = 200;
const READ_WAIT_MS = 5;

interface Helper {
  worker: Worker;
  /** Its ring: SLOTS slots of text, states[slot] = 1 while the slot holds text it has not counted. */
  ring: Buffer;
  states: Int32Array;
  /** [published, ended, spilling, fills]: wordcount-protocol.ts. */
  ringCtl: Int32Array;
  /** Slots published to it so far: the next one it counts is published % SLOTS. */
  published: number;
  control: Int32Array;
  stats: Float64Array;
  error: Uint8Array;
  out: string;
}

/** The helper slot being filled, and the bytes in it. */
interface Fill {
  helper: Helper;
  slot: number;
  view: Buffer;
  length: number;
}

export class ParallelWordCounter {
  readonly stats: WordCounterStats = { bytes: 0, words: 0, spills: 0, mergePasses: 0 };
  readonly #local: WordCounter;
  readonly #opts: ParallelWordCounterOptions;
  readonly #share: number;
  readonly #helperCount: number;
  readonly #slotBytes: number;
  #helpers: Helper[] = [];
  #dir: string | undefined;
  /** The local counter holds the start of an unfinished word: what follows up to a separator is its. */
  #localWord = false;
  /** The helper slot being filled (undefined: none yet, or every helper's next slot is busy). */
  #fill: Fill | undefined;
  /** The helper whose slot is tried first next (round robin). */
  #next = 0;
  /** Each thread adds 1 when it has written its runs of the other threads' ranges (wordcount-protocol.ts). */
  #barrier: Int32Array<ArrayBufferLike> = new Int32Array(0);
  #error: Error | undefined;
  #finished = false;

  constructor(options: ParallelWordCounterOptions = {}) {
    this.#opts = options;
    const memory = Math.max(1, options.memory ?? DEFAULT_WORDCOUNT_MEMORY);
    let helpers = Math.max(0, Math.floor(options.helpers ?? 1));
    while (helpers > 0 && (memory - helpers * HELPER_COST) / (helpers + 1) < MIN_SHARE) helpers--;
    this.#helperCount = helpers;
    this.#slotBytes = Math.max(1, Math.floor(options.slotBytes ?? SLOT_BYTES));
    this.#share = helpers === 0 ? memory : Math.floor((memory - helpers * HELPER_COST) / (helpers + 1));
    if (helpers > 0) {
      const onSpill = (spilling: boolean): void => this.#spilling(spilling);
      this.#local = new WordCounter({ ...options, memory: this.#share, runDir: () => this.#runDir(), runPrefix: 'm-', onSpill });
    } else {
      this.#local = new WordCounter({ ...options, memory: this.#share });
    }
  }

  /**
   * The run directory the counters share, made when the first of them spills or the helpers start: a small
   * input, which does neither, makes no directory (start-up).
   */
  #runDir(): string {
    this.#dir ??= makeTempDir(this.#opts.tmpDir, 'mrpipe-wc-');
    return this.#dir;
  }

  /** The private spill directory (while there is one). */
  get tempDir(): string | undefined {
    return this.#dir ?? this.#local.tempDir;
  }

  /** Helper threads started so far. */
  get threads(): number {
    return this.#helpers.length;
  }

  /** Counts the words of a chunk (a word may continue into the next chunk); the chunk is not kept. */
  write(chunk: Buffer): void {
    this.#check();
    if (this.#finished) throw new Error('mrpipe: ParallelWordCounter.write() after finish()');
    this.stats.bytes += chunk.length;
    if (this.#helpers.length === 0) {
      if (this.#helperCount === 0 || this.stats.bytes <= (this.#opts.startAfter ?? START_AFTER)) {
        this.#local.write(chunk);
        return;
      }
      this.#startHelpers();
      this.#localWord = true; // the local counter may hold the start of a word this chunk continues
    }
    const n = chunk.length;
    const size = this.#slotBytes;
    let s = 0;
    while (s < n) {
      if (this.#localWord) {
        // The rest of the local counter's word, with the separator that ends it, is counted here too.
        let e = s;
        while (e < n && SPACE[chunk[e]] === 0) e++;
        if (e === n) {
          this.#local.write(chunk.subarray(s));
          return;
        }
        this.#local.write(chunk.subarray(s, ++e));
        this.#localWord = false;
        s = e;
        continue;
      }
      const fill = (this.#fill ??= this.#freeSlot());
      if (fill === undefined) {
        // Every helper is busy: this thread counts a slot's worth itself.
        const e = Math.min(n, s + size);
        this.#local.write(chunk.subarray(s, e));
        this.#localWord = SPACE[chunk[e - 1]] === 0;
        s = e;
        continue;
      }
      const take = Math.min(n - s, size - fill.length);
      chunk.copy(fill.view, fill.length, s, s + take);
      fill.length += take;
      s += take;
      if (fill.length === size) this.#publishFull(fill);
    }
  }

  /** Throws the first failure: one seen in an event, or a helper's, read from shared memory. */
  #check(): void {
    if (this.#error) throw this.#error;
    for (const h of this.#helpers) if (Atomics.load(h.control, 0) === HELPER_FAILED) throw this.#fail(sharedError(h.error));
  }

  /** The next slot of the first helper (round robin) that has it free, or undefined when all are busy. */
  #freeSlot(): Fill | undefined {
    const helpers = this.#helpers;
    for (let k = 0; k < helpers.length; k++) {
      const h = helpers[(this.#next + k) % helpers.length];
      const slot = h.published % SLOTS;
      if (Atomics.load(h.states, slot) !== 0) continue;
      this.#next = (this.#next + k + 1) % helpers.length;
      const size = this.#slotBytes;
      return { helper: h, slot, view: h.ring.subarray(slot * size, (slot + 1) * size), length: 0 };
    }
    return undefined;
  }

  /**
   * Publishes a full slot up to its last separator; the word it ends inside starts the next slot, or is
   * counted here when no helper has one free. A slot without a separator (a word longer than a slot) is
   * counted here: the local counter then holds the unfinished word.
   */
  #publishFull(fill: Fill): void {
    const view = fill.view;
    const len = fill.length;
    let cut = len;
    while (cut > 0 && SPACE[view[cut - 1]] === 0) cut--;
    if (cut === 0) {
      this.#local.write(view.subarray(0, len));
      this.#localWord = true;
      fill.length = 0;
      return;
    }
    this.#fill = undefined;
    this.#publish(fill, cut);
    if (cut === len) return;
    // The helper reads the slot up to `cut` only: its end can still be read here.
    const next = (this.#fill = this.#freeSlot());
    if (next !== undefined) {
      next.length = view.copy(next.view, 0, cut, len);
    } else {
      this.#local.write(view.subarray(cut, len));
      this.#localWord = true;
    }
  }

  /** Hands the first `length` bytes of a slot to its helper. */
  #publish(fill: Fill, length: number): void {
    const h = fill.helper;
    h.ringCtl[RING_FILLS + fill.slot] = length;
    Atomics.store(h.states, fill.slot, 1);
    h.published++;
    Atomics.add(h.ringCtl, RING_PUBLISHED, 1);
    Atomics.notify(h.ringCtl, RING_PUBLISHED);
  }

  /** Tells the helpers this thread spills (one with nothing to count may spill too), or has done. */
  #spilling(spilling: boolean): void {
    for (const h of this.#helpers) {
      Atomics.store(h.ringCtl, RING_SPILLING, spilling ? 1 : 0);
      Atomics.notify(h.ringCtl, RING_PUBLISHED);
    }
  }

  /** Cuts the words into ranges, one per thread, at words the table holds so far, and starts the helpers. */
  #startHelpers(): void {
    const file = import.meta.url.endsWith('.ts') ? './wordcount-worker.ts' : './wordcount-worker.js';
    const dir = this.#runDir();
    const helpers = this.#helperCount;
    const fractions = Array.from({ length: helpers }, (_, i) => (MAIN_RANGE_WEIGHT + i) / (MAIN_RANGE_WEIGHT + helpers));
    const splits = this.#local.sampleBounds(fractions);
    this.#local.splitRanges(splits);
    const barrier = new SharedArrayBuffer(4);
    this.#barrier = new Int32Array(barrier);
    for (let i = 0; i < helpers; i++) {
      const slots = new SharedArrayBuffer(SLOTS * this.#slotBytes);
      const data: WordCountWorkerData = {
        memory: this.#share, fanIn: this.#opts.fanIn, runDir: dir, runPrefix: `h${i}-`, out: path.join(dir, `h${i}-out.wc`),
        splits, range: i + 1, barrier, threads: helpers + 1,
        slots, slotCount: SLOTS, slotBytes: this.#slotBytes, states: new SharedArrayBuffer(SLOTS * 4),
        ring: new SharedArrayBuffer((RING_FILLS + SLOTS) * 4), control: new SharedArrayBuffer(12),
        stats: new SharedArrayBuffer(3 * 8), error: new SharedArrayBuffer(ERROR_BYTES),
      };
      // node:worker_threads is loaded when helpers start, not with the module (~2 ms of start-up).
      const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(bundledEntry(new URL(file, import.meta.url)), { workerData: data });
      const control = new Int32Array(data.control);
      worker.on('message', (m: WordCountWorkerResult) => {
        if (m.error) this.#fail(helperError(m.error));
      });
      // An error thrown before the helper could catch it (its module failed to load) arrives as a copy that
      // is not a native Error: made one here, the copy as its cause.
      worker.on('error', (err: unknown) => this.#fail(new Error(String((err as Error | undefined)?.message ?? err), { cause: err })));
      worker.on('exit', (code) => {
        if (Atomics.load(control, 0) !== HELPER_DONE) this.#fail(new Error(`mrpipe: a word-count helper thread exited (code ${code}) before it finished`));
      });
      this.#helpers.push({
        worker, ring: Buffer.from(slots), states: new Int32Array(data.states), ringCtl: new Int32Array(data.ring), published: 0,
        control, stats: new Float64Array(data.stats), error: new Uint8Array(data.error), out: data.out,
      });
    }
  }

  #fail(err: Error): Error {
    this.#error ??= err;
    return this.#error;
  }

  /**
   * The input has ended: returns a cursor over (word, count) in byte order of the word — this thread's
   * range, merged here, then each helper's, read while the helper writes it. Reaching its end (or closing
   * it) removes the temp dir.
   */
  async finish(): Promise<WordCountCursor> {
    if (this.#finished) throw new Error('mrpipe: ParallelWordCounter.finish() called twice');
    this.#finished = true;
    this.#check();
    if (this.#fill !== undefined && this.#fill.length > 0) this.#publish(this.#fill, this.#fill.length); // the last slot
    this.#fill = undefined;
    for (const h of this.#helpers) {
      Atomics.store(h.ringCtl, RING_ENDED, 1);
      Atomics.notify(h.ringCtl, RING_PUBLISHED);
    }
    let cursor: WordCountCursor;
    if (this.#helpers.length === 0) {
      cursor = this.#local.finish();
    } else {
      this.#local.finishRange(0);
      passBarrier(this.#barrier);
      await awaitBarrier(this.#barrier, this.#helpers.length + 1, () => this.#check());
      cursor = new ConcatCursor([this.#local.rangeCursor(0), ...this.#helpers.map((h) => this.#helperRun(h))]);
    }
    this.stats.words += this.#local.stats.words;
    this.stats.spills += this.#local.stats.spills;
    return new DisposingCursor(cursor, () => {
      this.stats.mergePasses = Math.max(this.stats.mergePasses, this.#local.stats.mergePasses);
      this.dispose();
    });
  }

  /** A cursor over a helper's merged run, opened when the helper has created it, read as it grows. */
  #helperRun(h: Helper): WordCountCursor {
    let reader: WordRunReader | undefined;
    let done = false;
    const more = (): boolean => {
      if (done) return false;
      const seen = Atomics.load(h.control, 1);
      const state = Atomics.load(h.control, 0);
      if (state === HELPER_FAILED) this.#check();
      if (state === HELPER_DONE) {
        done = true; // one more read takes what was written before the helper said so
        this.#helperDone(h);
      } else {
        this.#check();
        Atomics.wait(h.control, 1, seen, READ_WAIT_MS); // short: a write just before `seen` wakes no one
      }
      return true;
    };
    const open = (): WordRunReader => {
      while (Atomics.load(h.control, 0) === HELPER_COUNTING) {
        this.#check();
        Atomics.wait(h.control, 0, HELPER_COUNTING, WAIT_MS);
      }
      this.#check();
      return (reader = new WordRunReader(h.out, Buffer.allocUnsafeSlow(64 * 1024), more));
    };
    return {
      buf: Buffer.alloc(0), start: 0, end: 0, count: 0,
      advance() {
        const r = reader ?? open();
        if (!r.advance()) return false;
        this.buf = r.buf;
        this.start = r.start;
        this.end = r.end;
        this.count = r.count;
        return true;
      },
      close() {
        reader?.close();
        done = true;
      },
    };
  }

  #helperDone(h: Helper): void {
    const [words, spills, passes] = h.stats;
    this.stats.words += words;
    this.stats.spills += spills;
    this.stats.mergePasses = Math.max(this.stats.mergePasses, passes);
  }

  /** Terminates the helpers; resolves once their threads have ended. */
  #stopHelpers(): Promise<unknown> {
    const stopped = this.#helpers.map((h) => {
      h.worker.removeAllListeners('exit');
      return h.worker.terminate();
    });
    this.#helpers = [];
    return Promise.allSettled(stopped);
  }

  /** Stops the helpers, closes the runs and removes the temp dir (safe to call more than once). */
  dispose(): void {
    this.#finished = true;
    const running = this.#helpers.length > 0;
    const stopped = this.#stopHelpers();
    this.#local.dispose();
    const dir = this.#dir;
    this.#dir = undefined;
    if (dir === undefined) return;
    removeTempDir(dir);
    if (!running) return;
    // A helper stopped mid-spill may write a file until its thread has ended: the dir stays registered
    // (removed at exit if the process ends first) and goes again then.
    registerTempDir(dir);
    void stopped.then(() => removeTempDir(dir));
  }
}

/** Cursors over ranges of words, one after the other (each range's words sort after the previous one's). */
class ConcatCursor implements WordCountCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  count = 0;
  readonly #src: WordCountCursor[];
  #i = 0;

  constructor(sources: WordCountCursor[]) {
    this.#src = sources;
  }

  advance(): boolean {
    while (this.#i < this.#src.length) {
      const s = this.#src[this.#i];
      if (s.advance()) {
        this.buf = s.buf;
        this.start = s.start;
        this.end = s.end;
        this.count = s.count;
        return true;
      }
      this.#i++;
    }
    return false;
  }

  close(): void {
    for (const s of this.#src) s.close();
  }
}

function sharedError(bytes: Uint8Array): Error {
  const text = Buffer.from(bytes).toString('utf8').replace(/\0+$/, '');
  try {
    return helperError(JSON.parse(text) as NonNullable<WordCountWorkerResult['error']>);
  } catch {
    return new Error('mrpipe: a word-count helper thread failed');
  }
}

function helperError(e: NonNullable<WordCountWorkerResult['error']>): Error {
  if (e.code === 'ENOSPC' && e.file !== undefined) return new DiskFullError(e.file, e.written ?? 0, e.pending ?? 0, undefined);
  return Object.assign(new Error(e.message), { code: e.code });
}
