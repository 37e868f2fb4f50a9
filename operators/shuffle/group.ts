// Grouping over a key-sorted sync stream of pairs: the reducer is called once per key. Folds (the
// built-ins) step over the values in place; a function reducer gets the values as a one-shot iterable that
// pulls from the same cursor, so a key with 50 M values is reduced without gathering them.
import type { Pair } from '../types.ts';
import { isFold, resolveReducer, type Fold, type ReducerFn, type ReducerSpec } from './builtins.ts';
import { cursorOf, type Cursor } from './cursor.ts';

/** The values of one key: iterable once; whatever the reducer leaves unread is skipped. */
class Values<V> implements Iterable<V>, Iterator<V> {
  private first = true;
  /** True while this key's values continue in the cursor. */
  open = true;
  /** After the key ended: whether the cursor holds the next key's first pair. */
  more = false;
  private readonly c: Cursor<Pair<V>>;
  private readonly key: string;

  constructor(c: Cursor<Pair<V>>, key: string) {
    this.c = c;
    this.key = key;
  }

  next(): IteratorResult<V> {
    if (this.first) {
      this.first = false;
      return { value: this.c.current[1], done: false };
    }
    if (!this.open) return { value: undefined, done: true };
    if (this.c.advance()) {
      if (this.c.current[0] === this.key) return { value: this.c.current[1], done: false };
      this.more = true;
    }
    this.open = false;
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): Iterator<V> {
    return this;
  }

  /** Skip what the reducer did not read. */
  drain(): void {
    this.first = false;
    while (this.open) this.next();
  }
}

/**
 * Call `each(key, values)` once per key of a key-sorted stream of pairs (values streams; iterate it at most
 * once, inside the call). Returns the number of keys.
 */
export function groupSorted<V>(pairs: Iterable<Pair<V>>, each: (key: string, values: Iterable<V>) => void): number {
  const c = cursorOf(pairs);
  let keys = 0;
  try {
    let has = c.advance();
    while (has) {
      const values = new Values(c, c.current[0]);
      each(c.current[0], values);
      values.drain();
      keys++;
      has = values.more;
    }
  } finally {
    c.close();
  }
  return keys;
}

/** Fold every key's values; emit(key, result) once per key. Returns the number of keys. */
function foldSorted<V, R>(c: Cursor<Pair<V>>, fold: Fold<V, unknown, R>, emit: (key: string, value: R) => void): number {
  let keys = 0;
  let has = c.advance();
  while (has) {
    const key = c.current[0];
    let acc = fold.step(fold.start(key), c.current[1], key);
    has = false;
    while (c.advance()) {
      const p = c.current;
      if (p[0] !== key) {
        has = true;
        break;
      }
      acc = fold.step(acc, p[1], key);
    }
    emit(key, fold.finish(acc, key));
    keys++;
  }
  return keys;
}

/**
 * Reduce a key-sorted stream of pairs: the reducer (a built-in name, a Fold, or a function of
 * (key, values) → result) runs once per key; emit(key, result) gets each result (function reducers that
 * return undefined emit nothing). This is the reduce task's hot loop; it is fully synchronous.
 */
export function reduceSorted<V, R>(
  pairs: Iterable<Pair<V>>,
  reducer: ReducerSpec<V, R>,
  emit: (key: string, value: R) => void,
): number {
  const r = resolveReducer(reducer);
  if (isFold(r)) {
    const c = cursorOf(pairs);
    try {
      return foldSorted(c, r, emit);
    } finally {
      c.close();
    }
  }
  const fn = r as ReducerFn<V, R>;
  return groupSorted(pairs, (key, values) => {
    const out = fn(key, values);
    if (out !== undefined) emit(key, out);
  });
}
