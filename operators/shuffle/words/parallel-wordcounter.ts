// ParallelWordCounter: a WordCounter on more than one core. Threads split the vocabulary, not the text:
// each thread counts the words whose key (first two bytes, wordscan.ts wordKey) it owns. The calling thread
// copies the text into a shared ring and scans it once (wordsplit.ts): it counts its own keys' words and
// hands the helper threads (wordcount-worker.ts) theirs as descriptors in the ring, which they count in
// input order without scanning the text again. This thread owns the lowest keys, up to a bound that
// follows the threads' CPU times (#balance): keys move to it while a helper works more, and back while it
// works more itself, so neither waits for the other whatever the text. Each thread counts in its own table
// under its share of the budget and spills sorted runs into one shared private directory. At the end each
// helper merges its runs into one sorted run file that this thread reads while it is written, and this
// thread merges its own: the output takes the next word from the thread whose head has the smallest key,
// comparing bytes (and summing counts) only among threads at the same key — a key that moved has words in
// two threads. This thread's words, the lowest, go out while the helpers still sort theirs.
// Output is the same as WordCounter's, byte for byte.
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { DiskFullError } from '../runs/errors.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { DEFAULT_WORDCOUNT_MEMORY, DisposingCursor, WordCounter, type WordCounterOptions, type WordCounterStats } from './wordcounter.ts';
import {
  BALANCE_SLOTS, CONTROL_SPILLING, CPU_RING, EARLY_SPILL, HELPER_COUNTING, HELPER_DONE, HELPER_FAILED, RING_COUNTS, RING_ENDED,
  RING_PUBLISHED, RING_SPILLING, STATS_BATCHES, STATS_CPU, threadCpu, type WordCountWorkerData, type WordCountWorkerResult,
} from './wordcount-protocol.ts';
import { WordRunReader, compareRanges, type WordCountCursor } from './wordrun.ts';
import { SPACE, WORD_KEYS, addCarried, carryScratch, wordKey } from './wordscan.ts';
import { DESC_INTS, SLOT_BITS, SlotSplitter } from './wordsplit.ts';
import { ByteCarry } from '../../lines/byte-carry.ts';

export interface ParallelWordCounterOptions extends WordCounterOptions {
  /** Helper threads counting beside the calling thread (default 1; 0 = count in this thread only). */
  helpers?: number;
  /** Input bytes counted in this thread before the helpers start (default 4 MiB: small inputs start none). */
  startAfter?: number;
  /** Bytes of a ring slot (default and most 256 KiB; tests make it small to cut words at slot edges). */
  slotBytes?: number;
  /**
   * Tests: the share of the words moved to this thread (from it when negative) at the end of batch n of
   * slots, instead of what the threads' CPU times say (so that keys move between threads at will).
   */
  shareStep?: (batch: number) => number;
}

/**
 * What a helper thread costs besides its table: its V8 isolate (~20 MB of RSS running the built .js; ~41 MB
 * running .ts sources, which instantiate their own type stripper) and its share of the ring (2 MiB of text,
 * its 2.7 MiB of descriptors, ~1.6 MiB of them touched on real text).
 */
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

export const HELPER_COST = 22 * 2 ** 20;
const SLOTS = 8;
const SLOT_BYTES = 256 * 1024;
/** Descriptors per helper per slot: a slot's words, if a sixth of its bytes start a word of that helper's. */
const DESCS_PER_BYTE = 1 / 6;
/** A word cut by the end of a slot and longer than this fraction of a slot is handed out in pieces. */
const PIECE_FRACTION = 1 / 4;
/** A counter's table below this is not worth a thread: fewer helpers are started. */
const MIN_SHARE = 8 * 2 ** 20;
/** Input counted here before helpers start: a small input is not worth a thread's start-up. */
const START_AFTER = 4 * 2 ** 20;
/** What a distinct word costs (insert, sort, write, merge) in occurrences of a word already counted. */
const NEW_WORD_COST = 4;
/**
 * This thread's first share of the words against a helper's 1 (it also reads, fills the ring and scans all
 * of the text); the ring moves it on from there.
 */
const MAIN_WEIGHT = 0.5;
/**
 * Share of the words moved per unit of (helper's CPU - this thread's) / (their sum) over a batch: under the
 * 1/2 that would even them out (this thread's CPU also scans all of the text), so that it does not overshoot.
 */
const BALANCE_GAIN = 0.25;
/** The most of the words moved at one batch: a spill's burst of CPU moves few keys. */
const BALANCE_MAX = 0.03;
/** Bytes of the first chunk after the switch sampled with the table to choose the ranges. */
const SAMPLE_BYTES = 1 << 20;
const ERROR_BYTES = 4096;
/** How long one wait for a helper blocks before its state is looked at again (ms). */
const WAIT_MS = 200;

const READ_WAIT_MS = 5;

interface Helper {
  worker: Worker;
  control: Int32Array;
  stats: Float64Array;
  error: Uint8Array;
  out: string;
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
  /** The ring's bytes: SLOTS slots, states[slot] = helpers yet to count its words. */
  #ring: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  #states: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** [published, ended, descriptor counts]: wordcount-protocol.ts. */
  #ringCtl: Int32Array<ArrayBufferLike> = new Int32Array(0);
  #splitter: SlotSplitter | undefined;
  /** The slot being filled (-1: none) and the bytes in it. */
  #slot = -1;
  #fill = 0;
  #nextSlot = 0;
  /** Which thread owns each word key (set when the helpers start, changed by #balance). */
  #owner: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  /** The helper (1..) that owns each key when this thread does not. */
  #helperOf: Uint8Array = new Uint8Array(0);
  /**
   * This thread owns the keys [0, #bound): its words come first in the output, which it writes while the
   * helpers still sort theirs. #weightTo[k]: the sampled weight of the keys [0, k).
   */
  #weightTo: Float64Array = new Float64Array(0);
  #bound = 0;
  /** The share of the sampled weight this thread aims at (#balance moves it, #bound follows). */
  #target = 0;
  /** The lowest key each thread (0: this one) has owned: none of its words sorts before it. */
  #lowest: Int32Array = new Int32Array(0);
  #published = 0;
  /** This thread's CPU time (µs) at the end of batch n of BALANCE_SLOTS slots, at [n % CPU_RING]. */
  readonly #cpu = new Float64Array(CPU_RING);
  /** The last batch #balance compared. */
  #balancedBatch = 0;
  /** The thread of a long word being handed out in pieces (-1: none; 0: this one, into #carry). */
  #long = -1;
  readonly #carry = new ByteCarry();
  /** Before the helpers start: the last byte counted was inside a word. */
  #inWord = false;
  #error: Error | undefined;
  #finished = false;

  constructor(options: ParallelWordCounterOptions = {}) {
    this.#opts = options;
    const memory = Math.max(1, options.memory ?? DEFAULT_WORDCOUNT_MEMORY);
    let helpers = Math.max(0, Math.floor(options.helpers ?? 1));
    while (helpers > 0 && (memory - helpers * HELPER_COST) / (helpers + 1) < MIN_SHARE) helpers--;
    this.#helperCount = helpers;
    this.#slotBytes = Math.min(2 ** SLOT_BITS, Math.max(16, Math.floor(options.slotBytes ?? SLOT_BYTES)));
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
    const n = chunk.length;
    if (this.#helpers.length === 0) {
      if (this.#helperCount === 0 || this.stats.bytes <= (this.#opts.startAfter ?? START_AFTER)) {
        this.#local.write(chunk);
        if (n > 0) this.#inWord = SPACE[chunk[n - 1]] === 0;
        return;
      }
      // The local counter still counts every word: let it finish the one it holds first.
      let s = 0;
      if (this.#inWord) {
        while (s < n && SPACE[chunk[s]] === 0) s++;
        if (s === n) {
          this.#local.write(chunk);
          return;
        }
        this.#local.write(chunk.subarray(0, ++s)); // with the separator that ends the word
      }
      chunk = chunk.subarray(s);
      this.#startHelpers(chunk);
    }
    this.#toRing(chunk);
  }

  /** Throws the first failure: one seen in an event, or a helper's, read from shared memory. */
  #check(): void {
    if (this.#error) throw this.#error;
    for (const h of this.#helpers) if (Atomics.load(h.control, 0) === HELPER_FAILED) throw this.#fail(sharedError(h.error));
  }

  /** Copies chunk into the ring, splitting each slot's words once it is full. */
  #toRing(chunk: Buffer): void {
    const size = this.#slotBytes;
    let s = 0;
    while (s < chunk.length) {
      if (this.#slot < 0) this.#open();
      const take = Math.min(chunk.length - s, size - this.#fill);
      chunk.copy(this.#ring, this.#slot * size + this.#fill, s, s + take);
      this.#fill += take;
      s += take;
      if (this.#fill === size) this.#split(false);
    }
  }

  /** Takes the next slot in ring order, once every helper has counted its words (waiting for the slowest). */
  #open(): void {
    const slot = this.#nextSlot;
    this.#nextSlot = (slot + 1) % SLOTS;
    while (true) {
      const v = Atomics.load(this.#states, slot);
      if (v === 0) break;
      this.#check();
      if (this.#helpers.some((h) => Atomics.load(h.control, CONTROL_SPILLING) === 1) && this.#local.spillEarly(EARLY_SPILL)) continue;
      Atomics.wait(this.#states, slot, v, WAIT_MS);
    }
    this.#slot = slot;
    this.#fill = 0;
    (this.#splitter as SlotSplitter).begin(slot, slot * this.#slotBytes);
  }

  /**
   * At the end of each batch of BALANCE_SLOTS slots: compares the CPU time this thread and the busiest
   * helper spent on the last batch they have both done, and moves keys to this thread when the helper spent
   * more, to the helpers when this thread did — in proportion, at most BALANCE_MAX of the words a batch.
   * CPU time, not waiting time: a thread that waits because the machine is busy with other work says
   * nothing of the shares.
   */
  #balance(): void {
    const batch = this.#published / BALANCE_SLOTS;
    if (this.#opts.shareStep) return this.#moveShare(this.#opts.shareStep(batch));
    this.#cpu[batch % CPU_RING] = threadCpu();
    let done = Infinity;
    for (const h of this.#helpers) done = Math.min(done, h.stats[STATS_BATCHES]);
    if (done <= this.#balancedBatch || done < 2 || batch - done >= CPU_RING - 1) return;
    this.#balancedBatch = done;
    const mine = this.#cpu[done % CPU_RING] - this.#cpu[(done - 1) % CPU_RING];
    let theirs = 0;
    for (const h of this.#helpers) {
      theirs = Math.max(theirs, h.stats[STATS_CPU + (done % CPU_RING)] - h.stats[STATS_CPU + ((done - 1) % CPU_RING)]);
    }
    if (!(mine + theirs > 0)) return; // NaN: no CPU times
    this.#moveShare(Math.max(-BALANCE_MAX, Math.min(BALANCE_MAX, BALANCE_GAIN * (theirs - mine) / (theirs + mine))));
  }

  /**
   * Moves this thread's target share of the sampled weight by `step`, and its bound to the key whose middle
   * is nearest the target: a heavy key on the bound moves once the target has passed its middle.
   */
  #moveShare(step: number): void {
    const to = this.#weightTo;
    const owner = this.#owner;
    const total = to[WORD_KEYS];
    this.#target = Math.max(0, Math.min(1, this.#target + step));
    const target = total * this.#target;
    let b = this.#bound;
    while (b < WORD_KEYS && to[b] + to[b + 1] <= 2 * target) owner[b++] = 0;
    while (b > 0 && to[b - 1] + to[b] > 2 * target) {
      b--;
      const t = this.#helperOf[b];
      owner[b] = t;
      if (b < this.#lowest[t]) this.#lowest[t] = b;
    }
    this.#bound = b;
  }

  /**
   * Counts or hands out the words of the slot being filled and publishes it. A word it ends inside goes to
   * the next slot (unless `last`: the input has ended); a long one is handed out in pieces instead.
   */
  #split(last: boolean): void {
    const splitter = this.#splitter as SlotSplitter;
    const data = this.#ring;
    const base = this.#slot * this.#slotBytes;
    const end = base + this.#fill;
    let from = base;
    if (this.#long >= 0) {
      // The rest of a long word, up to its end, or all of the slot.
      while (from < end && SPACE[data[from]] === 0) from++;
      this.#piece(this.#long, base, from, from < end || last);
    }
    let to = end;
    if (!last) while (to > from && SPACE[data[to - 1]] === 0) to--;
    while (true) {
      const stop = splitter.scan(from, to);
      if (stop === to) break;
      // A helper's descriptor list is full: the rest waits for the next slot.
      this.#carryOver(stop, end);
      if (!last) return;
      // The input has ended: split what was carried over as well.
      return this.#split(true);
    }
    if (to < end && end - to > this.#slotBytes * PIECE_FRACTION) {
      // A long word cut by the slot's end: handed out in pieces, from here to its end.
      this.#long = this.#owner[wordKey(data, to, end)];
      this.#piece(this.#long, to, end, false);
      to = end;
    }
    this.#carryOver(to, end);
  }

  /** Gives the words of the slot's pieces to thread `t`: a helper's descriptor, or this thread's carry. */
  #piece(t: number, from: number, to: number, last: boolean): void {
    if (t > 0) (this.#splitter as SlotSplitter).piece(t - 1, from, to, last);
    else this.#carry.append(this.#ring, from, to);
    if (!last) return;
    if (t === 0) addCarried(this.#carry, carryScratch(), (w, s, e, h) => this.#local.addWord(w, s, e, h));
    this.#long = -1;
  }

  /** Publishes the slot being filled, and copies its bytes [from, end) (not yet split) into the next slot. */
  #carryOver(from: number, end: number): void {
    this.#publish();
    if (from === end) return;
    const old = from;
    this.#open();
    this.#fill = this.#ring.copy(this.#ring, this.#slot * this.#slotBytes, old, end);
  }

  /** Tells the helpers this thread spills (one waiting for a slot may spill too), or has done. */
  #spilling(spilling: boolean): void {
    if (this.#helpers.length === 0) return;
    Atomics.store(this.#ringCtl, RING_SPILLING, spilling ? 1 : 0);
    Atomics.notify(this.#ringCtl, RING_PUBLISHED);
  }

  /** Publishes the slot being filled to every helper. */
  #publish(): void {
    const slot = this.#slot;
    const splitter = this.#splitter as SlotSplitter;
    const ring = this.#ringCtl;
    const helpers = this.#helperCount;
    for (let t = 0; t < helpers; t++) ring[RING_COUNTS + slot * helpers + t] = splitter.counts[t];
    Atomics.store(this.#states, slot, helpers);
    if (++this.#published % BALANCE_SLOTS === 0) this.#balance();
    Atomics.add(ring, RING_PUBLISHED, 1);
    Atomics.notify(ring, RING_PUBLISHED);
    this.#slot = -1;
  }

  /**
   * Deals the keys out from what the local table holds and the first MiB of `sample`, hands each helper the
   * words counted so far that it owns (as a run) and starts it.
   */
  #startHelpers(sample: Buffer): void {
    const weights = new Float64Array(WORD_KEYS);
    this.#local.addKeyWeights(weights, NEW_WORD_COST);
    addSampleWeights(sample.subarray(0, SAMPLE_BYTES), weights);
    this.#helperOf = dealKeys(weights, this.#helperCount);
    const to = (this.#weightTo = new Float64Array(WORD_KEYS + 1));
    // Unsampled keys weigh a little: the balance moves them too, and moves something when nothing was sampled.
    for (let k = 0; k < WORD_KEYS; k++) to[k + 1] = to[k] + weights[k] + 1e-3;
    const owner = this.#helperOf.slice();
    this.#target = MAIN_WEIGHT / (MAIN_WEIGHT + this.#helperCount);
    const first = to[WORD_KEYS] * this.#target;
    while (this.#bound < WORD_KEYS && to[this.#bound] + to[this.#bound + 1] <= 2 * first) owner[this.#bound++] = 0;
    this.#lowest = new Int32Array(this.#helperCount + 1).fill(WORD_KEYS);
    this.#lowest[0] = 0;
    for (let k = WORD_KEYS - 1; k >= this.#bound; k--) this.#lowest[owner[k]] = k;
    const early = this.#local.spillOwned(owner, this.#helperCount + 1);
    this.#owner = owner;
    const helpers = this.#helperCount;
    const slots = new SharedArrayBuffer(SLOTS * this.#slotBytes);
    this.#ring = Buffer.from(slots);
    const descCap = Math.max(2, Math.ceil(this.#slotBytes * DESCS_PER_BYTE));
    const descs = new SharedArrayBuffer(SLOTS * helpers * descCap * DESC_INTS * 4);
    this.#splitter = new SlotSplitter(this.#ring, owner, helpers, this.#local, new Int32Array(descs), descCap);
    const states = new SharedArrayBuffer(SLOTS * 4);
    this.#states = new Int32Array(states);
    const ringCtl = new SharedArrayBuffer((RING_COUNTS + SLOTS * helpers) * 4);
    this.#ringCtl = new Int32Array(ringCtl);
    const file = import.meta.url.endsWith('.ts') ? './wordcount-worker.ts' : './wordcount-worker.js';
    const dir = this.#runDir();
    this.#cpu[0] = threadCpu();
    for (let i = 0; i < this.#helperCount; i++) {
      const run = early[i];
      const data: WordCountWorkerData = {
        memory: this.#share, fanIn: this.#opts.fanIn, runDir: dir, runPrefix: `h${i}-`, owner, me: i + 1,
        runs: run === undefined ? [] : [run], out: path.join(dir, `h${i}-out.wc`), slots, slotCount: SLOTS,
        slotBytes: this.#slotBytes, helpers, descs, descCap, ring: ringCtl, states, control: new SharedArrayBuffer(12),
        stats: new SharedArrayBuffer((STATS_CPU + CPU_RING) * 8), error: new SharedArrayBuffer(ERROR_BYTES),
      };
      // node:worker_threads is loaded when helpers start, not with the module (~2 ms of start-up).
      const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(new URL(file, import.meta.url), { workerData: data });
      const control = new Int32Array(data.control);
      worker.on('message', (m: WordCountWorkerResult) => {
        if (m.error) this.#fail(helperError(m.error));
      });
      worker.on('error', (err) => this.#fail(err));
      worker.on('exit', (code) => {
        if (Atomics.load(control, 0) !== HELPER_DONE) this.#fail(new Error(`mrpipe: a word-count helper thread exited (code ${code}) before it finished`));
      });
      this.#helpers.push({
        worker, control, stats: new Float64Array(data.stats), error: new Uint8Array(data.error), out: data.out,
      });
    }
  }

  #fail(err: Error): Error {
    this.#error ??= err;
    return this.#error;
  }

  /**
   * The input has ended: returns a cursor over (word, count) in byte order of the word — this thread's words
   * merged here and each helper's merged run, read while the helper writes it. Reaching its end (or closing
   * it) removes the temp dir.
   */
  async finish(): Promise<WordCountCursor> {
    if (this.#finished) throw new Error('mrpipe: ParallelWordCounter.finish() called twice');
    this.#finished = true;
    this.#check();
    if (this.#helpers.length > 0) {
      // The last slot, and the end of a long word being handed out.
      if (this.#slot < 0 && this.#long >= 0) this.#open();
      if (this.#slot >= 0) this.#split(true);
      Atomics.store(this.#ringCtl, RING_ENDED, 1);
      Atomics.notify(this.#ringCtl, RING_PUBLISHED);
    }
    const mine = this.#local.finish();
    this.stats.words += this.#local.stats.words;
    this.stats.spills += this.#local.stats.spills;
    let cursor = mine;
    if (this.#helpers.length > 0) {
      const sources = [mine, ...this.#helpers.map((h) => this.#helperRun(h))];
      cursor = new OwnersCursor(sources, this.#lowest);
    }
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

  #stopHelpers(): void {
    for (const h of this.#helpers) {
      h.worker.removeAllListeners('exit');
      void h.worker.terminate();
    }
    this.#helpers = [];
  }

  /** Stops the helpers, closes the runs and removes the temp dir (safe to call more than once). */
  dispose(): void {
    this.#finished = true;
    this.#stopHelpers();
    this.#local.dispose();
    if (this.#dir !== undefined) removeTempDir(this.#dir);
    this.#dir = undefined;
  }
}

/**
 * The threads' cursors, each over the words of the keys it owned, as one: the next word is the head of the
 * cursor whose head has the smallest key. Bytes are compared only among heads of one key (a key that moved
 * between threads has words in both), and the counts of equal words summed. A cursor is first advanced
 * when its lowest key is reached: this thread's words go out while the helpers still sort theirs.
 */
class OwnersCursor implements WordCountCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  count = 0;
  readonly #src: WordCountCursor[];
  /** Key of each source's head (WORD_KEYS: ended). */
  readonly #keys: Int32Array;
  /** 1 for the sources whose head was taken: they move on at the next advance(). */
  readonly #taken: Uint8Array;
  /** 1 for the sources not advanced yet: #keys holds the lowest key they may have. */
  readonly #waiting: Uint8Array;

  constructor(sources: WordCountCursor[], lowest: Int32Array) {
    this.#src = sources;
    this.#keys = Int32Array.from(lowest);
    this.#taken = new Uint8Array(sources.length);
    this.#waiting = new Uint8Array(sources.length).fill(1);
  }

  advance(): boolean {
    const keys = this.#keys;
    const taken = this.#taken;
    const src = this.#src;
    const n = keys.length;
    for (let i = 0; i < n; i++) {
      if (taken[i] === 0) continue;
      taken[i] = 0;
      const s = src[i];
      keys[i] = s.advance() ? wordKey(s.buf, s.start, s.end) : WORD_KEYS;
    }
    let best: number;
    let ties: number;
    do {
      best = 0;
      ties = 0;
      for (let i = 1; i < n; i++) {
        if (keys[i] < keys[best]) {
          best = i;
          ties = 0;
        } else if (keys[i] === keys[best]) ties++;
      }
    } while (this.#advanceWaiting(keys[best]));
    const key = keys[best];
    if (key === WORD_KEYS) return false;
    let s = src[best];
    let count = s.count;
    taken[best] = 1;
    if (ties > 0) {
      // The smallest word among the heads of this key; equal ones are one word, their counts summed.
      for (let i = best + 1; i < n; i++) {
        if (keys[i] !== key) continue;
        const o = src[i];
        const c = compareRanges(o.buf, o.start, o.end, s.buf, s.start, s.end);
        if (c < 0) {
          for (let j = 0; j < i; j++) taken[j] = 0;
          s = o;
          count = o.count;
          taken[i] = 1;
        } else if (c === 0) {
          count += o.count;
          taken[i] = 1;
        }
      }
    }
    this.buf = s.buf;
    this.start = s.start;
    this.end = s.end;
    this.count = count;
    return true;
  }

  /** Advances the sources not advanced yet that may hold a word of `key` (true if there were some). */
  #advanceWaiting(key: number): boolean {
    const keys = this.#keys;
    let any = false;
    for (let i = 0; i < keys.length; i++) {
      if (this.#waiting[i] === 0 || keys[i] !== key) continue;
      this.#waiting[i] = 0;
      const s = this.#src[i];
      keys[i] = s.advance() ? wordKey(s.buf, s.start, s.end) : WORD_KEYS;
      any = true;
    }
    return any;
  }

  close(): void {
    for (const s of this.#src) s.close();
  }
}

/** Adds 1 per word of buf (a sample of the text) to weights[word key]. */
function addSampleWeights(buf: Buffer, weights: Float64Array): void {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    while (i < n && SPACE[buf[i]] === 1) i++;
    if (i === n) break;
    const b1 = i + 1 < n && SPACE[buf[i + 1]] === 0 ? buf[i + 1] : 0;
    weights[(buf[i] << 8) | b1] += 1;
    while (i < n && SPACE[buf[i]] === 0) i++;
  }
}

/**
 * Which helper (1..helpers) counts each word key when this thread does not: the keys of the sample,
 * heaviest first, each to the helper with the least weight; the others by a hash.
 */
function dealKeys(weights: Float64Array, helpers: number): Uint8Array {
  const owner = new Uint8Array(WORD_KEYS);
  for (let k = 0; k < WORD_KEYS; k++) owner[k] = 1 + (mix(k) % helpers);
  if (helpers === 1) return owner;
  const seen: number[] = [];
  for (let k = 0; k < WORD_KEYS; k++) if (weights[k] > 0) seen.push(k);
  seen.sort((a, b) => weights[b] - weights[a]);
  const load = new Float64Array(helpers);
  for (const k of seen) {
    let best = 0;
    for (let t = 1; t < helpers; t++) if (load[t] < load[best]) best = t;
    owner[k] = best + 1;
    load[best] += weights[k];
  }
  return owner;
}

/** A 32-bit hash of a key (unsigned). */
function mix(k: number): number {
  let x = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  return (Math.imul(x, 0xc2b2ae35) ^ (x >>> 16)) >>> 0;
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
