// A Cursor is the merge's view of a sorted source: advance() moves to the next record (false at the end),
// `current` holds it. Cheaper than the iterator protocol (no result object per record) and closable.
export interface Cursor<T> {
  current: T;
  advance(): boolean;
  /** Release files/buffers; safe to call more than once. */
  close(): void;
}

/** Wrap any sync iterable as a cursor. */
export function cursorOf<T>(source: Iterable<T>): Cursor<T> {
  if (isCursor<T>(source)) return source;
  const it = source[Symbol.iterator]();
  const c: Cursor<T> = {
    current: undefined as T,
    advance() {
      const r = it.next();
      if (r.done) return false;
      c.current = r.value;
      return true;
    },
    close() {
      it.return?.();
    },
  };
  return c;
}

function isCursor<T>(x: unknown): x is Cursor<T> & Iterable<T> {
  return typeof (x as Cursor<T>).advance === 'function' && typeof (x as Cursor<T>).close === 'function';
}

/** Iterate a cursor; stopping early (break/return) closes it. */
export function* iterateCursor<T>(c: Cursor<T>): Generator<T, void, undefined> {
  try {
    while (c.advance()) yield c.current;
  } finally {
    c.close();
  }
}
