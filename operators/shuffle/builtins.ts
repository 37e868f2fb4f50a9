// Built-in combiners and reducers, by name, so job files can say `combine: 'sum', reduce: 'sum'`.
// A combiner folds values map-side: init(first value) then add(acc, value); its accumulators are what it
// emits. A reducer is a fold too (start/step/finish) so it streams over any number of values with O(1)
// memory — except collect, which holds values up to an explicit cap.

export interface Combiner<V = unknown, A = V> {
  readonly name: string;
  init(value: V): A;
  add(acc: A, value: V): A;
}

/** What a combine stage accepts: a built-in name or a merge function (a, b) => merged. */
export type CombinerSpec<V = unknown> = 'sum' | 'count' | 'min' | 'max' | ((a: V, b: V) => V) | Combiner<V, V>;

const less = (a: unknown, b: unknown): boolean => (a as number) < (b as number);

export const combiners = {
  sum: { name: 'sum', init: (v: number) => v, add: (a: number, v: number) => a + v } as Combiner<number, number>,
  /** Counts values: emits how many values each key had (reduce those with 'sum'). */
  count: { name: 'count', init: () => 1, add: (a: number) => a + 1 } as Combiner<unknown, number>,
  min: { name: 'min', init: (v: unknown) => v, add: (a: unknown, v: unknown) => (less(v, a) ? v : a) } as Combiner,
  max: { name: 'max', init: (v: unknown) => v, add: (a: unknown, v: unknown) => (less(a, v) ? v : a) } as Combiner,
};

/** Resolve a combiner spec to a Combiner. */
export function resolveCombiner<V>(spec: CombinerSpec<V>): Combiner<V, V> {
  if (typeof spec === 'function') return { name: spec.name || 'custom', init: (v) => v, add: spec };
  if (typeof spec === 'object') return spec;
  const c = (combiners as Record<string, Combiner>)[spec];
  if (!c) throw new Error(`mrpipe: unknown combiner '${String(spec)}' (use sum, count, min, max or a function)`);
  return c as unknown as Combiner<V, V>;
}

/** The reducer that merges a combiner's partial results: count's partial counts are summed. */
export function mergingReducerOf(spec: CombinerSpec): ReducerSpec {
  if (spec === 'count' || spec === 'sum') return 'sum';
  if (spec === 'min' || spec === 'max') return spec;
  if (typeof spec === 'function') return foldOf(spec);
  return foldOf((a, b) => spec.add(a, b));
}

/** A streaming reducer: start(key), step(acc, value) per value, finish(acc) → the output value. */
export interface Fold<V = unknown, A = unknown, R = unknown> {
  readonly name: string;
  start(key: string): A;
  step(acc: A, value: V, key: string): A;
  finish(acc: A, key: string): R;
}

/** A reducer function: gets the key and its values as a one-shot iterable that streams from the input. */
export type ReducerFn<V = unknown, R = unknown> = (key: string, values: Iterable<V>) => R;

export type ReducerSpec<V = unknown, R = unknown> =
  | 'sum' | 'count' | 'min' | 'max' | 'first' | 'collect' | `collect:${number}`
  | Fold<V, unknown, R> | ReducerFn<V, R>;

const NONE = Symbol('none');

/** Default cap for collect; exceeding it is an error naming the key. */
export const DEFAULT_COLLECT_CAP = 10_000;

/** A fold from a merge function: the values of a key merged pairwise. */
export function foldOf<V>(merge: (a: V, b: V) => V, name = 'merge'): Fold<V, V | typeof NONE, V> {
  return {
    name,
    start: () => NONE,
    step: (acc, v) => (acc === NONE ? v : merge(acc, v)),
    finish: (acc) => acc as V,
  };
}

/** collect: the values of a key as an array, at most `cap` of them. */
export function collect<V>(cap = DEFAULT_COLLECT_CAP): Fold<V, V[], V[]> {
  return {
    name: `collect:${cap}`,
    start: () => [],
    step(acc, v, key) {
      if (acc.length >= cap) {
        throw new Error(`mrpipe: collect: key ${JSON.stringify(key.slice(0, 200))} has more than ${cap} values; raise the cap ('collect:N') or use a folding reducer`);
      }
      acc.push(v);
      return acc;
    },
    finish: (acc) => acc,
  };
}

export const reducers = {
  sum: { name: 'sum', start: () => 0, step: (a: number, v: number) => a + v, finish: (a: number) => a } as Fold<number, number, number>,
  count: { name: 'count', start: () => 0, step: (a: number) => a + 1, finish: (a: number) => a } as Fold<unknown, number, number>,
  min: foldOf((a: unknown, b: unknown) => (less(b, a) ? b : a), 'min'),
  max: foldOf((a: unknown, b: unknown) => (less(a, b) ? b : a), 'max'),
  first: { name: 'first', start: () => NONE, step: (a: unknown, v: unknown) => (a === NONE ? v : a), finish: (a: unknown) => a } as Fold,
  collect: collect(),
};

/** Resolve a reducer spec: a Fold (streams in O(1)) or a function taking an iterable of values. */
export function resolveReducer<V, R>(spec: ReducerSpec<V, R>): Fold<V, unknown, R> | ReducerFn<V, R> {
  if (typeof spec === 'function' || typeof spec === 'object') return spec as Fold<V, unknown, R> | ReducerFn<V, R>;
  const m = /^collect:(\d+)$/.exec(spec);
  if (m) return collect(Number(m[1])) as unknown as Fold<V, unknown, R>;
  const r = (reducers as Record<string, Fold>)[spec];
  if (!r) throw new Error(`mrpipe: unknown reducer '${spec}' (use sum, count, min, max, first, collect, collect:N or a function)`);
  return r as unknown as Fold<V, unknown, R>;
}

export function isFold<V, R>(r: Fold<V, unknown, R> | ReducerFn<V, R>): r is Fold<V, unknown, R> {
  return typeof r === 'object';
}
