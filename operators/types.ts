/// <reference types="node" preserve="true" />
// Shared stream types. A Stage's chunk types are phantom parameters: Node streams are untyped at run
// time, but pipe(), stream-chain's chain() and the factories check at compile time that one stage's output
// feeds the next.
import type { Duplex, Readable, Writable } from 'node:stream';

/**
 * A transform stage: chunks of type I in, chunks of type O out. A plain Node Duplex at run time.
 *
 * The `__streamType*` members follow stream-chain's typed-stream protocol (`TypedDuplex`), so `chain([...])`
 * reads a stage's chunk types and reports a mismatch at the item that does not fit. Never called.
 */
export interface Stage<I, O> extends Duplex {
  /** Never set at run time; carries the chunk types for the compiler (contravariant in, covariant out). */
  readonly __stage?: (input: I) => O;
  /** Phantom (stream-chain's protocol): the chunk type written in. Never called. */
  __streamTypeW(): I;
  /** Phantom (stream-chain's protocol): the chunk type read out. Never called. */
  __streamTypeR(): O;
  // Two signatures: the first keeps a stage a NodeJS.ReadWriteStream (stream.pipeline takes it); type
  // inference reads the last, so a function at the end of stream.pipeline is checked against the chunk type.
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<any>;
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<O>;
  on(event: 'data', listener: (chunk: O) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'data', listener: (chunk: O) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  addListener(event: 'data', listener: (chunk: O) => void): this;
  addListener(event: 'error', listener: (err: Error) => void): this;
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  removeListener(event: 'data', listener: (chunk: O) => void): this;
  removeListener(event: 'error', listener: (err: Error) => void): this;
  removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependListener(event: 'data', listener: (chunk: O) => void): this;
  prependListener(event: 'error', listener: (err: Error) => void): this;
  prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependOnceListener(event: 'data', listener: (chunk: O) => void): this;
  prependOnceListener(event: 'error', listener: (err: Error) => void): this;
  prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this;
  emit(event: 'data', chunk: O): boolean;
  emit(event: 'error', err: Error): boolean;
  emit(event: string | symbol, ...args: any[]): boolean;
}

/** A source of chunks of type O (readChunks, a run reader, a generator). */
export interface Source<O> extends Readable {
  readonly __source?: () => O;
  /** Phantom (stream-chain's protocol, `TypedReadable`): the chunk type read out. Never called. */
  __streamTypeR(): O;
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<any>;
  [Symbol.asyncIterator](): NodeJS.AsyncIterator<O>;
  on(event: 'data', listener: (chunk: O) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'data', listener: (chunk: O) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
  addListener(event: 'data', listener: (chunk: O) => void): this;
  addListener(event: 'error', listener: (err: Error) => void): this;
  addListener(event: string | symbol, listener: (...args: any[]) => void): this;
  removeListener(event: 'data', listener: (chunk: O) => void): this;
  removeListener(event: 'error', listener: (err: Error) => void): this;
  removeListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependListener(event: 'data', listener: (chunk: O) => void): this;
  prependListener(event: 'error', listener: (err: Error) => void): this;
  prependListener(event: string | symbol, listener: (...args: any[]) => void): this;
  prependOnceListener(event: 'data', listener: (chunk: O) => void): this;
  prependOnceListener(event: 'error', listener: (err: Error) => void): this;
  prependOnceListener(event: string | symbol, listener: (...args: any[]) => void): this;
  emit(event: 'data', chunk: O): boolean;
  emit(event: 'error', err: Error): boolean;
  emit(event: string | symbol, ...args: any[]): boolean;
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
