// The checks on what user code hands the keyed stages, written once: the operators' combine and reduce
// stages use them, and lib/job/checks.ts builds every runner's checks (emit, reduce, combine) on them.
// A key is a string; a reducer is synchronous; a reducer's error names its key.

/** A key as messages quote it: JSON, cut at 200 chars. */
export const quoteKey = (key: string): string => JSON.stringify(key.length > 200 ? `${key.slice(0, 200)}…` : key);

/** "Name: message" of anything thrown. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  let text: string;
  try { text = String(v); } catch { text = Object.prototype.toString.call(v); }
  return `${typeof v} ${text}`;
}

/** The key check (emit in map and reduce, every runner, and the keyed stages): `who` names the caller. */
export function checkKey(key: unknown, who = 'emit'): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`${who}: key must be a string, got ${typeName(key)} (convert it with String())`);
}

/** A thenable: what an async map or reduce returns. */
export const isPromise = (r: unknown): boolean => r !== undefined && r !== null && typeof (r as Promise<unknown>).then === 'function';
