// Group-by-key over a key-sorted source, the one used by the operators (groupSorted, reduceSorted), the
// runtime's reduce task and in-memory path, and `mrpipe reduce`/`combine`. Each group's values are a one-shot iterable that
// pulls from the source, so a key with 50 M values is reduced without gathering them. The source moves on
// only when the next value is asked for: while a reducer works on a value, the source still holds that
// value's record (its line, for an error message). With `group`, keys sort in full but group by group(key).
import type { Pair } from '../../types.ts';
import { isFold, resolveReducer, type Fold, type ReducerFn, type ReducerSpec } from './builtins.ts';
import { cursorOf, type Cursor } from '../runs/cursor.ts';

/** A key-sorted source of records: advance() moves to the next one (false at the end). */
export interface KeyedSource<V> {
  advance(): boolean;
  /** The current record's key. */
  key(): string;
  /** The current record's value (decoded on demand: values a reducer skips are never decoded). */
  value(): V;
}

export interface GroupOptions {
  /** Secondary sort: the grouping key of a full key (default: the key itself). */
  group?: (key: string) => string;
  /** Called with the full key of each value as the reducer takes it (the runtime's ctx.key). */
  onValue?: (key: string) => void;
}

/** Walks a sorted source group by group: next() gives each group key; values() streams its values. */
export class KeyGroups<V> implements Iterator<V>, Iterable<V> {
  /** Records read from the source so far. */
  records = 0;
  readonly #src: KeyedSource<V>;
  readonly #group: ((key: string) => string) | undefined;
  readonly #onValue: ((key: string) => void) | undefined;
  /** The source holds a record (not yet handed out when #pending). */
  #has: boolean;
  #pending = true;
  #inGroup = false;
  #gkey = '';

  constructor(src: KeyedSource<V>, options: GroupOptions = {}) {
    this.#src = src;
    this.#group = options.group;
    this.#onValue = options.onValue;
    this.#has = src.advance();
    if (this.#has) this.records++;
  }

  #groupOf(key: string): string {
    return this.#group ? this.#group(key) : key;
  }

  /** Moves past what is left of the current group; returns the next group's key, or null at the end. */
  nextGroup(): string | null {
    while (this.#inGroup) this.#step();
    if (!this.#has) return null;
    this.#gkey = this.#groupOf(this.#src.key());
    this.#inGroup = true;
    this.#pending = true;
    return this.#gkey;
  }

  /** Drops the record handed out last; the group ends at a record of another group or the end. */
  #step(): void {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    this.#has = this.#src.advance();
    if (this.#has) this.records++;
    this.#inGroup = this.#has && this.#groupOf(this.#src.key()) === this.#gkey;
    this.#pending = this.#inGroup;
  }

  /** The current group's values: iterate once, inside the group's turn. */
  values(): Iterable<V> {
    return this;
  }

  next(): IteratorResult<V> {
    if (this.#inGroup && !this.#pending) this.#step();
    if (!this.#inGroup) return { value: undefined, done: true };
    this.#pending = false;
    this.#onValue?.(this.#src.key());
    return { value: this.#src.value(), done: false };
  }

  [Symbol.iterator](): Iterator<V> {
    return this;
  }
}

/** A cursor of [key, value] pairs as a keyed source. */
function pairSource<V>(c: Cursor<Pair<V>>): KeyedSource<V> {
  return { advance: () => c.advance(), key: () => c.current[0], value: () => c.current[1] };
}

/**
 * Call `each(key, values)` once per key of a key-sorted stream of pairs (values streams; iterate it at most
 * once, inside the call). Returns the number of keys.
 */
export function groupSorted<V>(pairs: Iterable<Pair<V>>, each: (key: string, values: Iterable<V>) => void): number {
  const c = cursorOf(pairs);
  let keys = 0;
  try {
    const groups = new KeyGroups(pairSource(c));
    for (let key = groups.nextGroup(); key !== null; key = groups.nextGroup()) {
      each(key, groups.values());
      keys++;
    }
  } finally {
    c.close();
  }
  return keys;
}

/** Fold a group's values: one accumulator, no array. */
function foldGroup<V, R>(fold: Fold<V, unknown, R>, key: string, values: Iterable<V>): R {
  let acc = fold.start(key);
  for (const v of values) acc = fold.step(acc, v, key);
  return fold.finish(acc, key);
}

/**
 * Reduce a key-sorted stream of pairs: the reducer (a built-in name, a Fold, or a function of
 * (key, values) → result) runs once per key; emit(key, result) gets each result (function reducers that
 * return undefined emit nothing). Fully synchronous.
 */
export function reduceSorted<V, R>(
  pairs: Iterable<Pair<V>>,
  reducer: ReducerSpec<V, R>,
  emit: (key: string, value: R) => void,
): number {
  const r = resolveReducer(reducer);
  const fn: ReducerFn<V, R> = isFold(r) ? (key, values) => foldGroup(r, key, values) : r;
  return groupSorted(pairs, (key, values) => {
    const out = fn(key, values);
    if (out !== undefined) emit(key, out);
  });
}
