// Shared stream types. A Stage's chunk types are phantom parameters: Node streams are untyped at run
// time, but pipe() and the factories check at compile time that one stage's output feeds the next.
import type { Duplex, Readable, Writable } from 'node:stream';

/** A transform stage: chunks of type I in, chunks of type O out. */
export interface Stage<I, O> extends Duplex {
  /** Never set at run time; carries the chunk types for the compiler (contravariant in, covariant out). */
  readonly __stage?: (input: I) => O;
}

/** A source of chunks of type O (readChunks, a run reader, a generator). */
export interface Source<O> extends Readable {
  readonly __source?: () => O;
}

/** A sink consuming chunks of type I. */
export interface Sink<I> extends Writable {
  readonly __sink?: (input: I) => void;
}

/** A key/value pair between map and reduce. Keys order by the bytes of their UTF-8 encoding. */
export type Pair<V = unknown> = [key: string, value: V];

/** The callback user map functions emit through (the hot path: no array allocated per record). */
export type Emit<V = unknown> = (key: string, value: V) => void;

/** Progress events ('progress' on reading stages): cumulative figures since the stage started. */
export interface Progress {
  bytesRead: number;
  /** Bytes this stage will read in total, when known (a file or a byte range). */
  bytesTotal?: number;
  records?: number;
}
