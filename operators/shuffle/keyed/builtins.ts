// The built-in combiners/reducers: one registry, one meaning each, for the operators (combine('sum'),
// reduce('sum')), the runtime, the in-memory path and the Hadoop Streaming commands. Each is an associative
// aggregator: init(value) lifts a map value, add(acc, value) folds one more in, partial(p) checks a partial
// result read back (a run file, the wire), merge(a, b) joins two partials, result(acc) is the output.
// Numbers are numbers wherever they come from: sum/count/min/max take numbers or decimal numeric strings
// ("2" is 2, from the wire or a map); anything else, or a sum that overflows, is an error naming the key.

/** Names of the built-ins; `collect:N` is collect that fails beyond N values for a key. */
export type BuiltinName = 'sum' | 'count' | 'min' | 'max' | 'first' | 'collect' | `collect:${number}`;

export interface Aggregator<V = any, A = any, O = any> {
  readonly name: string;
  init(value: V, key: string): A;
  add(acc: A, value: V, key: string): A;
  /** Checks (and normalises: "2" → 2) one partial result read back from a run or the wire. */
  partial(acc: unknown, key: string): A;
  merge(a: A, b: A, key: string): A;
  result(acc: A, key: string): O;
}

/** A value a built-in cannot take, or a sum that is no longer finite; the message names the key. */
export class BuiltinError extends TypeError {
  readonly key: string;
  /** True for an overflowing sum: no one record is at fault, so it is never skipped as a bad record. */
  readonly overflow: boolean;
  constructor(message: string, key: string, overflow: boolean) {
    super(message);
    this.key = key;
    this.overflow = overflow;
  }
}

const quote = (key: string): string => JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);

function shown(v: unknown): string {
  if (v === undefined) return 'the value (missing)';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return String(v);
  let s: string | undefined;
  try { s = JSON.stringify(v); } catch { s = undefined; }
  if (s === undefined || (s === '{}' && (v instanceof Map || v instanceof Set))) s = Object.prototype.toString.call(v);
  return `the value ${s.length > 60 ? `${s.slice(0, 60)}…` : s}`;
}

/** Decimal number text, as JSON or a Hadoop mapper writes it (no hex, no "Infinity", no empty string). */
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** A finite number from a number or a decimal numeric string; else an error naming the built-in and key. */
export function toNumber(name: string, v: unknown, key: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && DECIMAL.test(v) ? Number(v) : NaN;
  if (n - n === 0) return n;
  throw new BuiltinError(`${name}: ${shown(v)} for key ${quote(key)} is not a finite number`, key, false);
}

function finiteSum(total: number, key: string): number {
  if (total - total === 0) return total;
  throw new BuiltinError(`sum for key ${quote(key)} is ${total}: the values overflow a double (±1.8e308)`, key, true);
}

/** Checks a running total (the runtime's typed-array counting path adds without the aggregator). */
export const checkSum = finiteSum;

const identity = <T>(x: T): T => x;

function list(v: unknown, key: string, name: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new BuiltinError(`${name}: ${shown(v)} for key ${quote(key)} is not a list of collected values (mrpipe map of the same job writes [value])`, key, false);
}

/** collect: the values of a key in input order, failing beyond `cap` of them. */
export function collect(cap = Infinity): Aggregator<unknown, unknown[], unknown[]> {
  const name = cap === Infinity ? 'collect' : `collect:${cap}`;
  const room = (n: number, key: string): void => {
    if (n > cap) throw new BuiltinError(`${name}: key ${quote(key)} has more than ${cap} values; raise the cap ('collect:N') or use a folding reducer`, key, false);
  };
  return {
    name,
    init: (v) => [v],
    add: (a, v, key) => { room(a.length + 1, key); a.push(v); return a; },
    partial: (a, key) => list(a, key, name),
    merge: (a, b, key) => { room(a.length + b.length, key); for (const x of b) a.push(x); return a; },
    result: identity,
  };
}

const extreme = (name: 'min' | 'max', pick: (a: number, b: number) => number): Aggregator<unknown, number, number> => ({
  name,
  init: (v, key) => toNumber(name, v, key),
  add: (a, v, key) => pick(a, toNumber(name, v, key)),
  partial: (a, key) => toNumber(name, a, key),
  merge: (a, b) => pick(a, b),
  result: identity,
});

export const builtins = {
  sum: {
    name: 'sum',
    init: (v, key) => toNumber('sum', v, key),
    add: (a, v, key) => finiteSum(a + toNumber('sum', v, key), key),
    partial: (a, key) => toNumber('sum', a, key),
    merge: (a, b, key) => finiteSum(a + b, key),
    result: identity,
  } as Aggregator<unknown, number, number>,
  /** Counts values; its partial counts are summed. */
  count: {
    name: 'count',
    init: () => 1,
    add: (a) => a + 1,
    partial: (a, key) => toNumber('count', a, key),
    merge: (a, b) => a + b,
    result: identity,
  } as Aggregator<unknown, number, number>,
  min: extreme('min', Math.min),
  max: extreme('max', Math.max),
  /** The value of the earliest record (runs merge stably, so: in input order). */
  first: { name: 'first', init: identity, add: identity, partial: identity, merge: identity, result: identity } as Aggregator,
  collect: collect(),
} satisfies Record<string, Aggregator>;

const NAMES = Object.keys(builtins);

export function isBuiltinName(name: unknown): name is BuiltinName {
  return typeof name === 'string' && (Object.hasOwn(builtins, name) || /^collect:[1-9]\d*$/.test(name));
}

/** True for text that names a built-in rather than being a function expression (`--reduce summ`). */
export const looksLikeName = (text: string): boolean => /^[\w:]+$/.test(text);

/** The built-in called `name`; an unknown name is an error listing them (`what`: whose name it is). */
export function builtin(name: string, what = 'reducer'): Aggregator {
  if (Object.hasOwn(builtins, name)) return builtins[name as keyof typeof builtins];
  const m = /^collect:([1-9]\d*)$/.exec(name);
  if (m) return collect(Number(m[1]));
  throw new Error(`${what} must be a function or one of ${NAMES.join(', ')}, collect:N; got ${JSON.stringify(name)}`);
}

const NONE = Symbol('none');

/** Folds partial results (from runs or the wire) into one result; each is checked first. */
export function mergePartials(agg: Aggregator, key: string, partials: Iterable<unknown>): unknown {
  let acc: unknown = NONE;
  for (const p of partials) acc = acc === NONE ? agg.partial(p, key) : agg.merge(acc, agg.partial(p, key), key);
  return agg.result(acc, key);
}

// ---- Built-in maps: a job may name one instead of writing its map (`map: 'words'`, `--map words`).

/** Names of the built-in maps. */
export type BuiltinMapName = 'words';

const WHITESPACE = /[ \t\n\v\f\r]+/;
const NOT_SPACE_WHITESPACE = /[\t\n\v\f\r]/;

/**
 * The word split: emits (word, 1) for every maximal run of chars other than ASCII whitespace (space, \t,
 * \n, \v, \f, \r), the bytes `tr -s ' \t\n\v\f\r' '\n'` cuts on and the word-count engine (wordscan.ts)
 * counts. A job whose map is this built-in, reduced by 'sum' or 'count', runs on that engine
 * (lib/runtime/word-job.ts); everywhere else (Hadoop Streaming's `mrpipe map`, a hand-built pipeline) this
 * function is the map.
 */
export function words(line: string, emit: (key: string, value: number) => void): void {
  if (NOT_SPACE_WHITESPACE.test(line)) {
    for (const word of line.split(WHITESPACE)) if (word !== '') emit(word, 1);
    return;
  }
  // Only spaces separate words on this line (the common case): an indexOf scan is ~2x faster than the regex split.
  let start = 0;
  for (;;) {
    const sp = line.indexOf(' ', start);
    const end = sp < 0 ? line.length : sp;
    if (end > start) emit(line.slice(start, end), 1);
    if (sp < 0) return;
    start = sp + 1;
  }
}

export const builtinMaps = { words } satisfies Record<BuiltinMapName, unknown>;

/** Marks a built-in map function by name: a global symbol, so a copy of this module (dist and sources, a
 * worker thread) recognises it too. */
const BUILTIN_MAP = Symbol.for('mrpipe.builtinMap');
for (const [name, fn] of Object.entries(builtinMaps)) Object.defineProperty(fn, BUILTIN_MAP, { value: name });

export function isBuiltinMapName(name: unknown): name is BuiltinMapName {
  return typeof name === 'string' && Object.hasOwn(builtinMaps, name);
}

/** The name of the built-in map `fn` is, or undefined for any other function. */
export function builtinMapNameOf(fn: unknown): BuiltinMapName | undefined {
  const name = typeof fn === 'function' ? (fn as unknown as Record<symbol, unknown>)[BUILTIN_MAP] : undefined;
  return isBuiltinMapName(name) ? name : undefined;
}

/** The built-in map called `name`; an unknown name is an error listing them. */
export function builtinMap(name: string, what = 'map'): typeof words {
  if (isBuiltinMapName(name)) return builtinMaps[name];
  throw new Error(`${what} must be a function or the built-in ${Object.keys(builtinMaps).join(', ')}; got ${JSON.stringify(name)}`);
}

// ---- The operators' view of the registry: combiners (init/add) and folds (start/step/finish).

/** A map-side combiner: init(first value) then add(acc, value); its accumulators are what it emits. */
export interface Combiner<V = unknown, A = V> {
  readonly name: string;
  init(value: V, key: string): A;
  add(acc: A, value: V, key: string): A;
}

/** What a combine stage accepts: a built-in name, a merge function (a, b) => merged, or a Combiner. */
export type CombinerSpec<V = unknown> = BuiltinName | ((a: V, b: V) => V) | Combiner<V, V>;

/** Resolve a combiner spec to a Combiner. */
export function resolveCombiner<V>(spec: CombinerSpec<V>): Combiner<V, V> {
  if (typeof spec === 'function') return { name: spec.name || 'custom', init: (v) => v, add: spec };
  if (typeof spec === 'object') return spec;
  return builtin(spec, 'combiner') as Combiner<V, V>;
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

export type ReducerSpec<V = unknown, R = unknown> = BuiltinName | Fold<V, unknown, R> | ReducerFn<V, R>;

/** A fold from a merge function: the values of a key merged pairwise. */
export function foldOf<V>(merge: (a: V, b: V) => V, name = 'merge'): Fold<V, V | typeof NONE, V> {
  return {
    name,
    start: () => NONE,
    step: (acc, v) => (acc === NONE ? v : merge(acc, v)),
    finish: (acc) => acc as V,
  };
}

/** A built-in as a fold over raw values (init, then add). */
function foldOfBuiltin(agg: Aggregator): Fold {
  return {
    name: agg.name,
    start: () => NONE,
    step: (acc, v, key) => (acc === NONE ? agg.init(v, key) : agg.add(acc, v, key)),
    finish: (acc, key) => agg.result(acc, key),
  };
}

/** A built-in as a fold over partial results (a combiner's output): partial, then merge. */
function mergingFold(agg: Aggregator): Fold {
  return {
    name: `${agg.name} (merging)`,
    start: () => NONE,
    step: (acc, p, key) => (acc === NONE ? agg.partial(p, key) : agg.merge(acc, agg.partial(p, key), key)),
    finish: (acc, key) => agg.result(acc, key),
  };
}

/** The reducer that merges a combiner's partial results (count's partial counts are summed). */
export function mergingReducerOf(spec: CombinerSpec): ReducerSpec {
  if (typeof spec === 'string') return mergingFold(builtin(spec, 'combiner'));
  if (typeof spec === 'function') return foldOf(spec);
  return foldOf((a, b) => spec.add(a, b, ''));
}

/** Resolve a reducer spec: a Fold (streams in O(1)) or a function taking an iterable of values. */
export function resolveReducer<V, R>(spec: ReducerSpec<V, R>): Fold<V, unknown, R> | ReducerFn<V, R> {
  if (typeof spec === 'function' || typeof spec === 'object') return spec as Fold<V, unknown, R> | ReducerFn<V, R>;
  return foldOfBuiltin(builtin(spec, 'reducer')) as Fold<V, unknown, R>;
}

export function isFold<V, R>(r: Fold<V, unknown, R> | ReducerFn<V, R>): r is Fold<V, unknown, R> {
  return typeof r === 'object';
}
