// combine as a stream stage: [key, value] batches in; map-side aggregation under `memory`; whenever the
// table fills (and at the end) its contents go out sorted by key, in batches. Downstream sees every key
// once per spill; follow with externalSort + reduce (the merging reducer, see mergingReducerOf).
import { Transform } from 'node:stream';
import type { Pair, Stage } from '../types.ts';
import type { CombinerSpec } from './builtins.ts';
import { HashCombiner } from './combiner.ts';

/** Options of combine: the table's byte budget (default 256 MiB) and pairs per output batch. */
export interface CombineOptions {
  memory?: number;
  /** Pairs per output batch (default 4096). */
  batchSize?: number;
}

export function combine<V, A = V>(combiner: CombinerSpec<V>, options: CombineOptions = {}): Stage<Pair<V>[], Pair<A>[]> {
  const batchSize = options.batchSize ?? 4096;
  const table = new HashCombiner<V, A>(combiner, {
    memory: options.memory,
    onSpill(sorted) {
      for (let i = 0; i < sorted.length; i += batchSize) stage.push(sorted.slice(i, i + batchSize));
    },
  });
  const stage = new Transform({
    objectMode: true,
    highWaterMark: 2,
    transform(batch: Pair<V>[], _enc, cb) {
      try {
        for (let i = 0; i < batch.length; i++) table.add(batch[i][0], batch[i][1]);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        table.flush();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  return stage as unknown as Stage<Pair<V>[], Pair<A>[]>;
}
