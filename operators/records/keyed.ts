// The keyed stages as the public API gives them: combine, reduce and aggregate typed by their values. The
// built-ins' run-time meaning lives in one registry (shuffle/keyed/builtins.ts); these signatures say which values
// each built-in takes, so `combine('sum')` after a stage of string values does not compile (the error is at
// that stage) and `reduce('sum')` yields Pair<number>.
import type { Pair, Stage } from '../types.ts';
import { combine as combineStage, type CombineOptions } from '../shuffle/keyed/combine.ts';
import { reduce as reduceStage, type ReduceOptions } from '../shuffle/keyed/reduce.ts';
import { externalSort } from '../shuffle/sort/externalsort.ts';
import { mergingReducerOf, type Combiner, type CombinerSpec, type Fold } from '../shuffle/keyed/builtins.ts';
import { pipeSteps } from '../lines/pipe.ts';
import { checkTmpDir, memoryOption } from '../check-options.ts';
import type { StringEncoding } from '../shuffle/runs/codec.ts';

export type { CombineOptions, ReduceOptions, Fold, Combiner };

/** A stage over batches of [key, value] pairs. */
export type PairStage<V, R> = Stage<Pair<V>[], Pair<R>[]>;

/** The signatures of {@link combine}: each built-in by the values it takes and gives. */
export interface CombineFunction {
  /** `sum`: adds numbers. */
  (builtin: 'sum', options?: CombineOptions): PairStage<number, number>;
  /** `count`: how many values each key had (merge the partial counts with `reduce('sum')`). */
  <V = unknown>(builtin: 'count', options?: CombineOptions): PairStage<V, number>;
  /** `min` / `max`: the least / greatest value; `first`: the first value in input order. */
  <V = unknown>(builtin: 'min' | 'max' | 'first', options?: CombineOptions): PairStage<V, V>;
  /** `collect` / `collect:N`: the values as an array (at most N; merge the partial arrays with aggregate). */
  <V = unknown>(builtin: 'collect' | `collect:${number}`, options?: CombineOptions): PairStage<V, V[]>;
  /** A merge function: two values of a key become one (associative; called in any grouping). */
  <V>(merge: (a: V, b: V) => V, options?: CombineOptions): PairStage<V, V>;
  /** A Combiner object: init(first value), add(acc, value). */
  <V>(combiner: Combiner<V, V>, options?: CombineOptions): PairStage<V, V>;
}

/** The signatures of {@link reduce}: each built-in by the values it takes and gives. */
export interface ReduceFunction {
  (builtin: 'sum', options?: ReduceOptions): PairStage<number, number>;
  <V = unknown>(builtin: 'count', options?: ReduceOptions): PairStage<V, number>;
  <V = unknown>(builtin: 'min' | 'max' | 'first', options?: ReduceOptions): PairStage<V, V>;
  <V = unknown>(builtin: 'collect' | `collect:${number}`, options?: ReduceOptions): PairStage<V, V[]>;
  <V, R>(fold: Fold<V, any, R>, options?: ReduceOptions): PairStage<V, R>;
  /** A function of a key and all its values (held in memory up to `maxValues`; prefer a built-in or a Fold). */
  <V, R>(fn: (key: string, values: Iterable<V>) => R, options?: ReduceOptions): PairStage<V, R>;
}

/** Options of {@link aggregate}. */
export interface AggregateOptions {
  /** Byte budget for the whole stage: half for the map-side table, half for the sort. Default 256 MiB. */
  memory?: number;
  /** Where sorted runs spill when the keys do not fit (must exist). Default os.tmpdir(). */
  tmpDir?: string;
  /** How keys are held while sorting: 'utf8' (default) or 'latin1' byte strings. */
  encoding?: StringEncoding;
  /** Pairs per output batch. Default 4096. */
  batchSize?: number;
  /** Abort: destroys the stage and removes its temp files. */
  signal?: AbortSignal;
}

/** The signatures of {@link aggregate}: the built-ins typed as in {@link CombineFunction}. */
export interface AggregateFunction {
  (builtin: 'sum', options?: AggregateOptions): PairStage<number, number>;
  <V = unknown>(builtin: 'count', options?: AggregateOptions): PairStage<V, number>;
  <V = unknown>(builtin: 'min' | 'max' | 'first', options?: AggregateOptions): PairStage<V, V>;
  <V = unknown>(builtin: 'collect' | `collect:${number}`, options?: AggregateOptions): PairStage<V, V[]>;
  <V>(merge: (a: V, b: V) => V, options?: AggregateOptions): PairStage<V, V>;
  <V>(combiner: Combiner<V, V>, options?: AggregateOptions): PairStage<V, V>;
}

/**
 * Map-side aggregation: batches of [key, value] pairs in, the same keys with their values merged out, under
 * a byte budget. When the table fills (and at the end) it goes out sorted by key, so a key may come out
 * once per spill: follow with `externalSort()` and `reduce()` of the merging built-in — or use
 * {@link aggregate}, which does all three. Each spill goes out as one sorted sequence, which externalSort
 * writes straight to a run. Right after splitLines and record stages in a pipe(), it takes each pair from
 * the fused loop as it is made (no batch of pairs per chunk).
 *
 * @param combiner `'sum'` (numbers), `'count'`, `'min'`, `'max'`, `'first'`, `'collect'`/`'collect:N'`, a merge
 *   function `(a, b) => merged`, or a Combiner.
 * @param options `memory` (bytes of table, default 256 MiB), `batchSize` (pairs per output batch, default 4096).
 * @example
 * pipe(splitLines(), flatMap((l: string) => l.split(' ').map((w): Pair<number> => [w, 1])), combine('sum'))
 */
export const combine: CombineFunction = ((spec: CombinerSpec, options?: CombineOptions) =>
  combineStage(spec, options)) as CombineFunction;

/**
 * Reduce key-sorted batches of [key, value] pairs: one [key, result] per key. Built-ins and Fold objects
 * stream (O(1) memory per key, however many values); a function reducer gets all values of a key at once.
 * The input must be sorted by key (externalSort of pairs sorts by key, stably).
 *
 * @param reducer `'sum'` (numbers), `'count'`, `'min'`, `'max'`, `'first'`, `'collect'` / `'collect:N'`
 *   (values as an array, at most N, default 10,000), a Fold `{start, step, finish}`, or `(key, values) => result`.
 * @param options `maxValues`: most values gathered for a function reducer (default 1,000,000).
 * @example
 * pipe(externalSort<Pair<number>>({ memory: 64 * 2 ** 20 }), reduce('sum'))   // Stage<Pair<number>[], Pair<number>[]>
 */
export const reduce: ReduceFunction = ((spec: never, options?: ReduceOptions) =>
  reduceStage(spec, options)) as ReduceFunction;

/**
 * Records to final totals in one stage, under one byte budget: combine (map-side table) → externalSort (by
 * key; spills runs under `tmpDir`) → reduce with the merging built-in. Batches of [key, value] pairs in;
 * each key once, with its total, in byte order of the key, out.
 *
 * @param combiner as for {@link combine}: `'sum'` (numbers), `'count'`, `'min'`, `'max'`, `'first'`, `'collect'`,
 *   a merge function or a Combiner.
 * @param options `memory` (default 256 MiB), `tmpDir` (default os.tmpdir(), checked here), `encoding`
 *   ('utf8'), `batchSize` (4096), `signal`.
 * @example
 * // word counts of a file bigger than RAM, in 64 MB
 * await pipeline(readChunks('big.txt'), splitLines(),
 *   flatMap((l: string) => l.split(' ').map((w): Pair<number> => [w, 1])),
 *   aggregate('sum', { memory: 64 * 2 ** 20 }), unbatch(), sink);
 */
export const aggregate: AggregateFunction = ((spec: CombinerSpec, options: AggregateOptions = {}) => {
  checkTmpDir(options.tmpDir, 'aggregate');
  // Half each to the table and the sort: at least a byte each.
  const half = Math.max(1, Math.floor(memoryOption(options.memory, 'aggregate') / 2));
  return pipeSteps([
    combineStage(spec, { memory: half, batchSize: options.batchSize }),
    externalSort<Pair>({
      memory: half, tmpDir: options.tmpDir, encoding: options.encoding, batchSize: options.batchSize, signal: options.signal,
    }),
    reduceStage(mergingReducerOf(spec)),
  ]);
}) as AggregateFunction;
