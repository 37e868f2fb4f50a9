// reduce as a stream stage over key-sorted [key, value] batches. Folds (the built-ins, or any Fold object)
// carry their accumulator across batches: O(1) memory per key however many values it has. A function
// reducer (key, values) needs all values of a key at once in a stream (they arrive asynchronously), so the
// stage gathers them — up to `maxValues` (default 1 M), beyond which it fails naming the key. For
// unbounded keys use a Fold, or the sync reduceSorted() over a Sorter or run reader (KeyGroups, the runtime's group-by).
import { Transform } from 'node:stream';
import type { Pair, Stage } from '../../types.ts';
import { isFold, resolveReducer, type Fold, type ReducerFn, type ReducerSpec } from './builtins.ts';
import { checkKey, describeError, isPromise, quoteKey } from './checks.ts';

/** Options of reduce: how many values a function reducer may gather for one key. */
export interface ReduceOptions {
  /** Function reducers: most values gathered for one key (default 1,000,000). */
  maxValues?: number;
}

export function reduce<V, R>(reducer: ReducerSpec<V, R>, options: ReduceOptions = {}): Stage<Pair<V>[], Pair<R>[]> {
  const r = resolveReducer(reducer);
  const maxValues = options.maxValues ?? 1_000_000;
  const fold = isFold(r) ? (r as Fold<V, unknown, R>) : undefined;
  const fn = fold ? undefined : (r as ReducerFn<V, R>);
  let key: string | undefined;
  let acc: unknown;
  let values: V[] = [];

  const close = (out: Pair<R>[]): void => {
    if (key === undefined) return;
    if (fold) out.push([key, fold.finish(acc, key)]);
    else {
      // The runtime's rules (lib/job/checks.ts): an error names its key, a Promise is refused.
      let res: R;
      try {
        res = (fn as ReducerFn<V, R>)(key, values);
      } catch (err) {
        throw new Error(`reduce failed for key ${quoteKey(key)}: ${describeError(err)}`, { cause: err });
      }
      if (isPromise(res)) throw new TypeError(`reduce returned a Promise for key ${quoteKey(key)}: reduce must be synchronous`);
      if (res !== undefined) out.push([key, res]);
      values = [];
    }
  };

  return new Transform({
    objectMode: true,
    highWaterMark: 2,
    transform(batch: Pair<V>[], _enc, cb) {
      const out: Pair<R>[] = [];
      try {
        for (let i = 0; i < batch.length; i++) {
          const [k, v] = batch[i];
          if (k !== key) {
            checkKey(k, 'reduce');
            close(out);
            key = k;
            if (fold) acc = fold.start(k);
          }
          if (fold) acc = fold.step(acc, v, k);
          else {
            if (values.length >= maxValues) {
              throw new Error(`mrpipe: reduce: key ${JSON.stringify(k.slice(0, 200))} has more than ${maxValues} values for a function reducer in a stream; use a fold reducer or raise maxValues`);
            }
            values.push(v);
          }
        }
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb(null, out.length > 0 ? out : undefined);
    },
    flush(cb) {
      const out: Pair<R>[] = [];
      try {
        close(out);
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb(null, out.length > 0 ? out : undefined);
    },
  }) as unknown as Stage<Pair<V>[], Pair<R>[]>;
}
