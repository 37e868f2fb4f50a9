// The checks every runner makes on what job code does, written once for the runtime's map and reduce
// tasks, the in-memory path and the Hadoop Streaming commands, on the keyed stages' own (operators/shuffle/
// keyed/checks.ts): emit's key type, values JSON can carry exactly, a synchronous map/reduce, and a reduce
// failure naming its key. Errors of the job's own code or
// data are marked deterministic: a retry would fail the same way, so the scheduler fails at once.
import { BuiltinError } from '../../operators/shuffle/keyed/builtins.ts';
import { checkKey, describeError, isPromise, quoteKey } from '../../operators/shuffle/keyed/checks.ts';
import type { Emit } from '../../operators/types.ts';

export { checkKey, describeError, quoteKey };

const DETERMINISTIC = Symbol.for('mrpipe.deterministic');

/** Marks an error of the job's code or data (not a crash): retrying the task cannot help. */
export function markDeterministic<E>(err: E): E {
  if (err instanceof Error) Object.defineProperty(err, DETERMINISTIC, { value: true });
  return err;
}

/** True when err, or an error in its cause chain, is marked deterministic or is a built-in's error. */
export function isDeterministic(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if ((e as unknown as Record<symbol, unknown>)[DETERMINISTIC] === true || e instanceof BuiltinError) return true;
  }
  return false;
}

/** A reduce's ctx.emit: the key checked, then written. */
export function reduceEmit(write: (key: string, value: unknown) => void): Emit {
  return (key, value) => {
    checkKey(key, 'reduce emit');
    write(key, value);
  };
}

/** A map returned a Promise (an async map): an error, since emits after it returns would be lost. */
export function checkMapResult(r: unknown): void {
  if (isPromise(r)) throw new TypeError('map returned a Promise: map must be synchronous (do async preparation in setup())');
}

/**
 * Calls reduce for one group. A throw becomes "reduce failed for key …" (a built-in's error names the key
 * already and stays as it is); a Promise is an error. `passThrough`: errors that are not the reduce's
 * (a closed output pipe) are rethrown unchanged.
 */
export function callReduce<C>(
  reduce: (key: string, values: Iterable<any>, ctx: C) => unknown, key: string, values: Iterable<unknown>, ctx: C,
  passThrough?: (err: unknown) => boolean,
): unknown {
  let r: unknown;
  try {
    r = reduce(key, values, ctx);
  } catch (err) {
    if (passThrough?.(err) || isDeterministic(err)) throw err;
    throw markDeterministic(new Error(`reduce failed for key ${quoteKey(key)}: ${describeError(err)}`, { cause: err }));
  }
  if (isPromise(r)) throw markDeterministic(new TypeError(`reduce returned a Promise for key ${quoteKey(key)}: reduce must be synchronous`));
  return r;
}

/** Calls a user combine for one key; a throw becomes "combine failed for key …". */
export function callCombine(combine: (key: string, values: Iterable<any>) => unknown, key: string, values: Iterable<unknown>): unknown {
  try {
    return combine(key, values);
  } catch (err) {
    if (isDeterministic(err)) throw err;
    throw markDeterministic(new Error(`combine failed for key ${quoteKey(key)}: ${describeError(err)}`, { cause: err }));
  }
}

/** Rejects what JSON would change silently: nested NaN/±Infinity (→ null), Map/Set (→ {}), functions. */
function strictReplacer(this: unknown, _k: string, v: unknown): unknown {
  if (typeof v === 'number' && v - v !== 0) throw new TypeError(`it holds ${v}`);
  if (typeof v === 'function' || typeof v === 'symbol') throw new TypeError(`it holds a ${typeof v}`);
  if (v instanceof Map || v instanceof Set) throw new TypeError(`it holds a ${v.constructor.name} (JSON writes {}: convert it, e.g. [...m] or Object.fromEntries(m))`);
  return v;
}

/**
 * The JSON text of a value (undefined: no value), for run files, the wire and output. A value JSON cannot
 * carry exactly is a deterministic error naming the key: `what` says whose value ('value emitted',
 * 'reduce result').
 */
export function valueJson(key: string, v: unknown, what = 'value emitted'): string | undefined {
  if (typeof v === 'number') {
    if (v - v === 0) return String(v);
    throw markDeterministic(new TypeError(`${what} for key ${quoteKey(key)} is ${v}, which JSON cannot carry (it would become null)`));
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
    // Text that may hide a silent change ({} from a Map, null from NaN or a function in an array, a
    // function property dropped) gets the strict pass; plain data rarely does, and skips its cost.
    if (json !== undefined && typeof v === 'object' && (json.includes('{}') || json.includes('null') || json.length < 3)) JSON.stringify(v, strictReplacer);
  } catch (err) {
    throw markDeterministic(new TypeError(`${what} for key ${quoteKey(key)} is not JSON-serialisable: ${(err as Error).message}`, { cause: err }));
  }
  if (json === undefined) throw markDeterministic(new TypeError(`${what} for key ${quoteKey(key)} is a ${typeof v}, which JSON cannot carry`));
  return json;
}
