// mapAsync: an async function per record with at most `concurrency` calls in flight across batches.
// ordered (default): results leave in input order, at most `concurrency` held for reordering.
// unordered: each result leaves as soon as it settles (results settling together share one batch), so a
// slow record never holds back the ones behind it. A batch is accepted only once all of the previous
// batch's records have started, so memory is bounded by one batch plus `concurrency` results.
import { Transform } from 'node:stream';
import type { Stage } from '../types.ts';
import { BATCH_HIGH_WATER_MARK } from './batch-transform.ts';

/** Options of mapAsync: calls in flight and whether results keep input order. */
export interface MapAsyncOptions {
  /** Calls in flight at once. Default 8. */
  concurrency?: number;
  /** Keep input order (default true). */
  ordered?: boolean;
}

interface Slot<B> {
  done: boolean;
  value: B | undefined;
}

/**
 * An async function per record, at most `concurrency` calls in flight: record batches in, batches of results
 * out. A rejection destroys the stage with that error. Memory: one batch plus `concurrency` results.
 *
 * @param fn the function, called once per record.
 * @param options `concurrency` (calls in flight, default 8), `ordered` (keep input order, default true; false
 *   passes each result on as it settles).
 * @example
 * pipe(splitLines(), mapAsync(async (url: string) => (await fetch(url)).status, { concurrency: 16 }))
 */
export function mapAsync<A, B>(fn: (record: A) => Promise<B> | B, options: MapAsyncOptions = {}): Stage<A[], B[]> {
  const concurrency = options.concurrency ?? 8;
  if (!(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`mapAsync: concurrency must be a positive integer, got ${concurrency}`);
  }
  const ordered = options.ordered ?? true;
  let inFlight = 0;
  let batch: A[] | null = null;
  let next = 0;
  let batchDone: (() => void) | null = null;
  let finished: (() => void) | null = null;
  const slots: Array<Slot<B>> = []; // ordered mode: in input order, from slotHead
  let slotHead = 0;
  let ready: B[] = []; // unordered mode: settled, not yet pushed
  let flushQueued = false;

  const stage = new Transform({
    objectMode: true,
    highWaterMark: BATCH_HIGH_WATER_MARK,
    transform(records: A[], _enc, callback) {
      batch = records;
      next = 0;
      batchDone = callback;
      pump();
    },
    flush(callback) {
      finished = callback;
      maybeFinish();
    },
  });

  function room(): boolean {
    return ordered ? slots.length - slotHead < concurrency : inFlight < concurrency;
  }

  function pump(): void {
    while (batch !== null && next < batch.length && room()) start(batch[next++]);
    if (batch !== null && next >= batch.length) {
      batch = null;
      const done = batchDone;
      batchDone = null;
      done?.();
    }
  }

  function start(record: A): void {
    inFlight++;
    let result: Promise<B>;
    try {
      result = Promise.resolve(fn(record));
    } catch (err) {
      result = Promise.reject(err);
    }
    if (ordered) {
      const slot: Slot<B> = { done: false, value: undefined };
      slots.push(slot);
      result.then((value) => {
        inFlight--;
        slot.done = true;
        slot.value = value;
        drainOrdered();
        pump();
        maybeFinish();
      }, fail);
    } else {
      result.then((value) => {
        inFlight--;
        ready.push(value);
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(drainUnordered);
        }
        pump();
      }, fail);
    }
  }

  function drainOrdered(): void {
    const out: B[] = [];
    while (slotHead < slots.length && slots[slotHead].done) out.push(slots[slotHead++].value as B);
    if (slotHead === slots.length) {
      slots.length = 0;
      slotHead = 0;
    }
    if (out.length > 0 && !stage.destroyed) stage.push(out);
  }

  function drainUnordered(): void {
    flushQueued = false;
    const out = ready;
    ready = [];
    if (out.length > 0 && !stage.destroyed) stage.push(out);
    maybeFinish();
  }

  function maybeFinish(): void {
    if (finished !== null && inFlight === 0 && batch === null && ready.length === 0 && slots.length === 0) {
      const done = finished;
      finished = null;
      done();
    }
  }

  function fail(err: unknown): void {
    inFlight--;
    if (!stage.destroyed) stage.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  return stage as unknown as Stage<A[], B[]>;
}
