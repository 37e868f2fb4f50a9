// ParallelWordCounter: a WordCounter on more than one core. The calling thread cuts the input at word
// separators and copies each piece of whole words into a free shared slot of a helper thread
// (wordcount-worker.ts); when every slot is busy it counts the piece itself, so no thread waits and a
// loaded machine degrades to one thread's speed. Each thread counts in its own table under its share of the
// budget and spills sorted runs into one shared private directory; at the end the helpers spill what they
// hold and the calling thread merges all runs with its last table (WordMerge sums a word's counts across
// runs). Output is the same as WordCounter's, byte for byte.
import { Worker } from 'node:worker_threads';
import { ByteCarry } from '../lines/byte-carry.ts';
import { DiskFullError } from './errors.ts';
import { makeTempDir, removeTempDir } from '../../plumbing/tempdirs.ts';
import { DEFAULT_WORDCOUNT_MEMORY, DisposingCursor, WordCounter, type WordCounterOptions, type WordCounterStats } from './wordcounter.ts';
import type { WordCountWorkerData, WordCountWorkerMessage, WordCountWorkerResult } from './wordcount-worker.ts';
import type { WordCountCursor } from './wordrun.ts';

export interface ParallelWordCounterOptions extends WordCounterOptions {
  /** Helper threads counting beside the calling thread (default 1; 0 = count in this thread only). */
  helpers?: number;
  /** Input bytes counted in this thread before the helpers start (default 4 MiB: small inputs start none). */
  startAfter?: number;
}

/**
 * What a helper thread costs besides its table: its V8 isolate (~20 MB of RSS running the built .js; ~41 MB
 * running .ts sources, which instantiate their own type stripper) and its 2 MiB of slots.
 */
export const HELPER_COST = 22 * 2 ** 20;
const SLOTS = 4;
const SLOT_BYTES = 512 * 1024;
/** A counter's table below this is not worth a thread: fewer helpers are started. */
const MIN_SHARE = 8 * 2 ** 20;
/** Input counted here before helpers start: a small input is not worth a thread's start-up. */
const START_AFTER = 4 * 2 ** 20;

/** 1 for the bytes that separate words (as in wordscan.ts). */
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]) SPACE[c] = 1;

/** A slot being filled with pieces before it is sent. */
interface Fill {
  helper: Helper;
  slot: number;
  view: Buffer;
  length: number;
}

interface Helper {
  worker: Worker;
  states: Int32Array;
  slots: SharedArrayBuffer;
  result: Promise<NonNullable<WordCountWorkerResult['done']>>;
}

export class ParallelWordCounter {
  readonly stats: WordCounterStats = { bytes: 0, words: 0, spills: 0, mergePasses: 0 };
  readonly #local: WordCounter;
  readonly #opts: ParallelWordCounterOptions;
  readonly #share: number;
  readonly #helperCount: number;
  #helpers: Helper[] = [];
  #dir: string | undefined;
  /** Bytes after the last separator seen, waiting for the rest of their word. */
  readonly #carry = new ByteCarry();
  /** The local counter holds the start of an unfinished word: what follows up to a separator is its. */
  #localWord = false;
  #next = 0;
  #fill: Fill | undefined;
  #error: Error | undefined;
  #finished = false;

  constructor(options: ParallelWordCounterOptions = {}) {
    this.#opts = options;
    const memory = Math.max(1, options.memory ?? DEFAULT_WORDCOUNT_MEMORY);
    let helpers = Math.max(0, Math.floor(options.helpers ?? 1));
    while (helpers > 0 && (memory - helpers * HELPER_COST) / (helpers + 1) < MIN_SHARE) helpers--;
    this.#helperCount = helpers;
    this.#share = helpers === 0 ? memory : Math.floor((memory - helpers * HELPER_COST) / (helpers + 1));
    if (helpers > 0) {
      this.#dir = makeTempDir(options.tmpDir, 'mrpipe-wc-');
      this.#local = new WordCounter({ ...options, memory: this.#share, runDir: this.#dir, runPrefix: 'm-' });
    } else {
      this.#local = new WordCounter({ ...options, memory: this.#share });
    }
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
    if (this.#error) throw this.#error;
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
    let s = 0;
    if (this.#localWord) {
      while (s < n && SPACE[chunk[s]] === 0) s++;
      if (s === n) {
        this.#local.write(chunk);
        return;
      }
      this.#local.write(chunk.subarray(0, ++s)); // with the separator that ends the word
      this.#localWord = false;
    }
    while (s < n) {
      const e = Math.min(n, s + SLOT_BYTES - this.#carry.length);
      let cut = e;
      while (cut > s && SPACE[chunk[cut - 1]] === 0) cut--;
      if (cut > s) {
        this.#dispatch(chunk, s, cut);
        s = cut;
        continue;
      }
      if (e === n) {
        // No separator in the rest: it waits for the end of its word.
        this.#carry.append(chunk, s, n);
        if (this.#carry.length > SLOT_BYTES / 2) this.#goLocal(undefined, 0, 0);
        return;
      }
      // A word longer than a slot: this thread counts it and the rest of the chunk.
      this.#goLocal(chunk, s, n);
      return;
    }
  }

  /** The carry and chunk[s, e) go to the local counter, which then holds an unfinished word. */
  #goLocal(chunk: Buffer | undefined, s: number, e: number): void {
    this.#carryLocal();
    if (chunk) this.#local.write(chunk.subarray(s, e));
    this.#localWord = true;
  }

  #carryLocal(): void {
    if (this.#carry.length > 0) this.#local.write(this.#carry.bytes());
    this.#carry.clear();
  }

  /**
   * The carry + chunk[s, e) (whole words) into the slot being filled (sent once half full), or counted here
   * when no slot is free. Small pieces gather in one slot: a message per tiny chunk would cost more than
   * counting it.
   */
  #dispatch(chunk: Buffer, s: number, e: number): void {
    const need = this.#carry.length + (e - s);
    let fill = this.#fill;
    if (fill && fill.length + need > SLOT_BYTES) {
      this.#send(fill);
      fill = undefined;
    }
    fill ??= this.#fill = this.#freeSlot();
    if (!fill) {
      this.#carryLocal();
      this.#local.write(chunk.subarray(s, e));
      return;
    }
    const view = fill.view;
    let p = fill.length;
    p += this.#carry.buf.copy(view, p, 0, this.#carry.length);
    p += chunk.copy(view, p, s, e);
    fill.length = p;
    this.#carry.length = 0;
    if (p >= SLOT_BYTES / 2) this.#send(fill);
  }

  /** A free slot of some helper (round robin), or undefined when all are busy. */
  #freeSlot(): Fill | undefined {
    const h = this.#helpers;
    const total = h.length * SLOTS;
    for (let k = 0; k < total; k++) {
      const i = (this.#next + k) % total;
      const helper = h[Math.floor(i / SLOTS)];
      const slot = i % SLOTS;
      if (Atomics.load(helper.states, slot) !== 0) continue;
      this.#next = i + 1;
      Atomics.store(helper.states, slot, 1);
      return { helper, slot, view: Buffer.from(helper.slots, slot * SLOT_BYTES, SLOT_BYTES), length: 0 };
    }
    return undefined;
  }

  #send(fill: Fill): void {
    if (this.#fill === fill) this.#fill = undefined;
    if (fill.length === 0) {
      Atomics.store(fill.helper.states, fill.slot, 0);
      return;
    }
    fill.helper.worker.postMessage({ slot: fill.slot, length: fill.length } satisfies WordCountWorkerMessage);
  }

  #startHelpers(): void {
    const file = import.meta.url.endsWith('.ts') ? './wordcount-worker.ts' : './wordcount-worker.js';
    for (let i = 0; i < this.#helperCount; i++) {
      const slots = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
      const states = new SharedArrayBuffer(SLOTS * 4);
      const data: WordCountWorkerData = {
        memory: this.#share, fanIn: this.#opts.fanIn, runDir: this.#dir as string, runPrefix: `h${i}-`,
        slots, slotBytes: SLOT_BYTES, states,
      };
      const worker = new Worker(new URL(file, import.meta.url), { workerData: data });
      const result = new Promise<NonNullable<WordCountWorkerResult['done']>>((resolve, reject) => {
        let settled = false;
        const fail = (err: Error): void => {
          if (settled) return;
          settled = true;
          reject(this.#fail(err));
        };
        worker.on('message', (m: WordCountWorkerResult) => {
          if (m.error) fail(helperError(m.error));
          else if (m.done && !settled) {
            settled = true;
            resolve(m.done);
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => fail(new Error(`mrpipe: a word-count helper thread exited (code ${code}) before it finished`)));
      });
      result.catch(() => {}); // seen through #error (write) or finish()
      this.#helpers.push({ worker, states: new Int32Array(states), slots, result });
    }
  }

  #fail(err: Error): Error {
    this.#error ??= err;
    return this.#error;
  }

  /**
   * The input has ended: waits for the helpers' last runs, then returns a cursor over (word, count) in byte
   * order of the word. Reaching its end (or closing it) removes the temp dir.
   */
  async finish(): Promise<WordCountCursor> {
    if (this.#finished) throw new Error('mrpipe: ParallelWordCounter.finish() called twice');
    this.#finished = true;
    if (this.#error) throw this.#error;
    this.#carryLocal();
    if (this.#fill) this.#send(this.#fill);
    for (const h of this.#helpers) h.worker.postMessage({ end: true } satisfies WordCountWorkerMessage);
    const done = await Promise.all(this.#helpers.map((h) => h.result));
    this.#stopHelpers();
    for (const d of done) {
      this.#local.addRuns(d.runs);
      this.stats.spills += d.spills;
      this.stats.words += d.words;
    }
    const cursor = this.#local.finish();
    this.stats.words += this.#local.stats.words;
    this.stats.spills += this.#local.stats.spills;
    return new DisposingCursor(cursor, () => {
      this.stats.mergePasses = this.#local.stats.mergePasses;
      this.dispose();
    });
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

function helperError(e: NonNullable<WordCountWorkerResult['error']>): Error {
  if (e.code === 'ENOSPC' && e.file !== undefined) return new DiskFullError(e.file, e.written ?? 0, e.pending ?? 0, undefined);
  return Object.assign(new Error(e.message), { code: e.code });
}
