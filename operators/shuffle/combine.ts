// combine as a stream stage: [key, value] batches in; map-side aggregation under `memory`; whenever the
// table fills (and at the end) its contents go out sorted by key, in batches. Downstream sees every key
// once per spill; follow with externalSort + reduce (the merging reducer, see mergingReducerOf).
// A spill is handed out as fast as downstream reads it, a batch of pairs made from the table at a time, and
// no input is taken while one is pending: a spill and a new table are never held at once, so the stage keeps
// to `memory`. Each spill's batches are tagged as one sorted sequence (sorted-batches.ts), which
// externalSort writes straight to a run.
import { Duplex } from 'node:stream';
import type { Pair, Stage } from '../types.ts';
import type { CombinerSpec } from './builtins.ts';
import { HashCombiner, type SortedSpill } from './combiner.ts';
import { tagSorted } from './sorted-batches.ts';

/** Options of combine: the table's byte budget (default 256 MiB) and pairs per output batch. */
export interface CombineOptions {
  memory?: number;
  /** Pairs per output batch (default 4096). */
  batchSize?: number;
}

export function combine<V, A = V>(combiner: CombinerSpec<V>, options: CombineOptions = {}): Stage<Pair<V>[], Pair<A>[]> {
  const batchSize = options.batchSize ?? 4096;
  let spilled: SortedSpill<A> | null = null;
  let at = 0;
  let resume: (() => void) | null = null;
  const table = new HashCombiner<V, A>(combiner, {
    memory: options.memory,
    onSpill(spill) {
      spilled = spill;
      at = 0;
    },
  });

  /** Pushes the pending spill while downstream wants more; true when it is all out. */
  const drain = (): boolean => {
    const out = spilled;
    if (out === null) return true;
    while (at < out.length) {
      const end = Math.min(at + batchSize, out.length);
      const more = stage.push(tagSorted(out.slice(at, end), out));
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

  const stage: Duplex = new Duplex({
    objectMode: true,
    readableHighWaterMark: 2,
    writableHighWaterMark: 2,
    write(batch: Pair<V>[], _enc, cb) {
      add(batch, 0, cb);
    },
    final(cb) {
      try {
        table.flush();
        afterDrain(() => {
          stage.push(null);
          cb();
        });
      } catch (err) {
        cb(err as Error);
      }
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
  return stage as unknown as Stage<Pair<V>[], Pair<A>[]>;
}
