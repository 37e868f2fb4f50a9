// combine as a stream stage: [key, value] batches in; map-side aggregation under `memory`; whenever the
// table fills (and at the end) its contents go out sorted by key, in batches. Downstream sees every key
// once per spill; follow with externalSort + reduce (the merging reducer, see mergingReducerOf).
// A spill is handed out as fast as downstream reads it, a batch of pairs made from the table at a time, and
// no input is taken while one is pending: a spill and a new table are never held at once, so the stage keeps
// to `memory`. Each spill's batches are tagged as one sorted sequence (sorted-batches.ts), which
// externalSort writes straight to a run.
import { Duplex } from 'node:stream';
import type { Pair, Stage } from '../../types.ts';
import type { CombinerSpec } from './builtins.ts';
import { HashCombiner, type SortedSpill } from './combiner.ts';
import { memoryOption } from '../../check-options.ts';
import { tagKeyHashes, tagSorted } from '../sort/sorted-batches.ts';
import { RECORD_SINK, type RecordFeed } from '../../lines/record-stages.ts';

/** Options of combine: the table's byte budget (default 256 MiB) and pairs per output batch. */
export interface CombineOptions {
  /** Bytes the table holds (keys, accumulators) before it spills its pairs downstream, sorted by key. Default DEFAULT_MEMORY (256 MiB). */
  memory?: number;
  /** Pairs per output batch (default 4096). */
  batchSize?: number;
}

/** combine as a stage over pair batches; pipe() may swap it for its fused form (RECORD_SINK). */
export function combine<V, A = V>(combiner: CombinerSpec<V>, options: CombineOptions = {}): Stage<Pair<V>[], Pair<A>[]> {
  const stage = combineStage<V, A>(combiner, options);
  // pipe(splitLines(), flatMap(…), combine(…)) runs the fused loop inside the stage: each pair goes into the
  // table as it is made, as the runtime's emit does, instead of a batch of pairs per chunk passing between stages.
  Object.defineProperty(stage, RECORD_SINK, { value: (feed: RecordFeed) => combineStage<V, A>(combiner, options, feed as RecordFeed<Pair<V>>) });
  return stage as unknown as Stage<Pair<V>[], Pair<A>[]>;
}

/** The combine stage over pair batches or, with `feed`, over the feed's input chunks. */
function combineStage<V, A>(combiner: CombinerSpec<V>, options: CombineOptions, feed?: RecordFeed<Pair<V>>): Duplex {
  const batchSize = options.batchSize ?? 4096;
  let spilled: SortedSpill<A> | null = null;
  /** The spill's tag: its own small object, not the spill, which holds the whole table — a sorter keeps the
   * tag of the sequence it is writing until the next one starts, while this stage fills a new table. */
  let tag: object = {};
  let at = 0;
  let resume: (() => void) | null = null;
  const table: HashCombiner<V, A> = new HashCombiner<V, A>(combiner, {
    memory: memoryOption(options.memory, 'combine'),
    onSpill(spill) {
      spilled = spill;
      tag = {};
      at = 0;
    },
  });

  /** Pushes the pending spill while downstream wants more; true when it is all out. */
  const drain = (): boolean => {
    const out = spilled;
    if (out === null) return true;
    while (at < out.length) {
      const end = Math.min(at + batchSize, out.length);
      const hashes = out.hashed ? new Uint32Array(end - at) : undefined;
      const pairs = tagSorted(out.slice(at, end, hashes), tag);
      if (hashes) tagKeyHashes(pairs, hashes);
      const more = stage.push(pairs);
      at = end;
      if (!more && at < out.length) return false;
    }
    spilled = null;
    // The spilled table (about `memory` bytes) is garbage now: release() runs a full GC, which keeps RSS near the budget.
    table.release();
    return true;
  };
  /** Continues with `next` once the pending spill is out (now, or from read()). */
  const afterDrain = (next: () => void): void => {
    if (drain()) next();
    else resume = next;
  };

  const add = (batch: Pair<V>[], from: number, cb: (err?: Error) => void): void => {
    try {
      for (let i = from; i < batch.length; i++) {
        table.add(batch[i][0], batch[i][1]);
        if (spilled !== null && i + 1 < batch.length) {
          // A spill mid-batch: hand it out before the rest of the batch fills a new table.
          afterDrain(() => add(batch, i + 1, cb));
          return;
        }
      }
      afterDrain(() => cb());
    } catch (err) {
      cb(err as Error);
    }
  };

  /** The pairs of the feed's chunk being run that were made after a spill (they wait for it to go out). */
  let late: Pair<V>[] | null = null;
  /** One sink for every chunk, so the fused loop's call of it stays one target. */
  const sink = (p: Pair<V>): void => {
    if (spilled === null) table.add(p[0], p[1]);
    else (late ??= []).push(p);
  };
  /** Runs feed.write / feed.end: pairs into the table; those made after a spill wait for it to go out. */
  const fed = (run: (sink: (p: Pair<V>) => void) => void, cb: (err?: Error | null) => void): void => {
    late = null;
    try {
      run(sink);
    } catch (err) {
      cb(err as Error);
      return;
    }
    const rest = late as Pair<V>[] | null;
    late = null;
    afterDrain(() => (rest === null ? cb() : add(rest, 0, cb)));
  };

  const end = (cb: (err?: Error | null) => void): void => {
    try {
      table.flush();
      afterDrain(() => {
        stage.push(null);
        cb();
      });
    } catch (err) {
      cb(err as Error);
    }
  };

  // A counting table copies each key's bytes and keeps no string: the fused lines may be slices.
  if (feed && table.keepsNoStrings) feed.keepsNothing();

  const stage: Duplex = new Duplex({
    objectMode: true,
    readableHighWaterMark: 2,
    writableHighWaterMark: 2,
    write(chunk: Pair<V>[], _enc, cb) {
      if (feed) fed((sink) => feed.write(chunk, sink), cb);
      else add(chunk, 0, cb);
    },
    final(cb) {
      if (feed) fed((sink) => feed.end(sink), (err) => (err ? cb(err) : end(cb)));
      else end(cb);
    },
    read() {
      const next = resume;
      if (next === null) return;
      try {
        if (!drain()) return;
      } catch (err) {
        stage.destroy(err as Error);
        return;
      }
      resume = null;
      next();
    },
  });
  return stage;
}
