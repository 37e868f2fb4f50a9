// The built-in reducers. Each is an associative aggregator, so the runtime runs it map-side too: map values
// are lifted with init(), partial results are merged with merge() (map side, between spills and in the
// reduce), and result() gives the output value. Order-sensitive ones (first, collect) follow input order,
// because runs are always merged stably (map task order, then spill order).
import type { BuiltinName } from './types.ts';
import { compareUtf8 as compareKeys } from '../../operators/shuffle/compare.ts';

export interface Aggregator<V = any, A = any, O = any> {
  init(value: V): A;
  add(acc: A, value: V): A;
  merge(a: A, b: A): A;
  result(acc: A): O;
}

/** min/max order: numbers numerically, strings in byte order, numbers before strings, others by JSON. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return compareKeys(sa, sb);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const n = Number(v);
  if (v === null || v === '' || typeof v === 'boolean' || Number.isNaN(n)) {
    throw new TypeError(`sum: value ${JSON.stringify(v)} is not a number`);
  }
  return n;
}

const identity = <T>(x: T): T => x;

export const builtins: Record<BuiltinName, Aggregator> = {
  sum: { init: toNumber, add: (a, v) => a + toNumber(v), merge: (a, b) => a + b, result: identity },
  count: { init: () => 1, add: (a) => a + 1, merge: (a, b) => a + b, result: identity },
  min: {
    init: identity, add: (a, v) => (compareValues(v, a) < 0 ? v : a),
    merge: (a, b) => (compareValues(b, a) < 0 ? b : a), result: identity,
  },
  max: {
    init: identity, add: (a, v) => (compareValues(v, a) > 0 ? v : a),
    merge: (a, b) => (compareValues(b, a) > 0 ? b : a), result: identity,
  },
  first: { init: identity, add: (a) => a, merge: (a) => a, result: identity },
  collect: {
    init: (v) => [v], add: (a, v) => { a.push(v); return a; },
    merge: (a, b) => { for (const x of b) a.push(x); return a; }, result: identity,
  },
};

export function isBuiltinName(name: unknown): name is BuiltinName {
  return typeof name === 'string' && Object.hasOwn(builtins, name);
}

/** Folds an iterable of accumulators with merge(). */
export function mergeAll<A>(agg: Aggregator<unknown, A>, accs: Iterable<A>): A | undefined {
  let acc: A | undefined;
  let first = true;
  for (const a of accs) {
    if (first) { acc = a; first = false; } else acc = agg.merge(acc as A, a);
  }
  return acc;
}
