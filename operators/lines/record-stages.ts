// map, filter, flatMap over record batches. Standalone each is its own Transform; pipe() reads the ops
// they carry and fuses adjacent ones into a single loop in a single Transform.
import type { Duplex } from 'node:stream';
import type { Stage } from '../types.ts';
import { batchTransform } from './batch-transform.ts';
import { compileOps, type RecordOp } from './compile-ops.ts';

export const RECORD_OPS: unique symbol = Symbol.for('mrpipe.recordOps');

/** A record stage: a Transform over batches, plus the record operations pipe() can fuse. */
export interface RecordStage<A, B> extends Stage<A[], B[]> {
  readonly [RECORD_OPS]: readonly RecordOp[];
}

export function recordStage<A, B>(ops: readonly RecordOp[]): RecordStage<A, B> {
  const stage = batchTransform(compileOps(ops)) as unknown as RecordStage<A, B>;
  Object.defineProperty(stage, RECORD_OPS, { value: ops });
  return stage;
}

/**
 * Where a fused loop's records come from: write(chunk, sink) calls sink(record) for each record of one input
 * chunk (synchronously); end(sink) for what the input's end completes (a last line without LF).
 */
export interface RecordFeed<R = unknown> {
  write(chunk: unknown, sink: (record: R) => void): void;
  end(sink: (record: R) => void): void;
  /**
   * The sink keeps no part of any record (a counting table copies each key's bytes): lines may then be
   * slices of a decoded piece of input (LineSplitter.preferSlices), about 2x cheaper to make, unless the
   * splitLines stage chose its `strings`.
   */
  keepsNothing(): void;
}

export const RECORD_SINK: unique symbol = Symbol.for('mrpipe.recordSink');

/**
 * A stage whose records can come straight from pipe()'s fused loop (combine): `[RECORD_SINK](feed)` makes
 * a stage like it that takes the feed's input chunks and runs the loop itself, so no batch of records is built.
 */
export interface RecordSinkStage {
  readonly [RECORD_SINK]: (feed: RecordFeed) => Duplex;
}

export function isRecordSink(value: unknown): value is RecordSinkStage {
  return typeof value === 'object' && value !== null && RECORD_SINK in value;
}

export function isRecordStage(value: unknown): value is RecordStage<unknown, unknown> {
  return typeof value === 'object' && value !== null && RECORD_OPS in value;
}

/**
 * One output record per input record: record batches in, batches of fn's results out. Inside pipe(),
 * neighbouring map/filter/flatMap stages fuse into one loop (and with a splitLines right before them).
 *
 * @example
 * pipe(splitLines(), map((line: string) => line.length))   // Stage<Buffer, number[]>
 */
export function map<A, B>(fn: (record: A) => B): RecordStage<A, B> {
  return recordStage([{ kind: 'map', fn }]);
}

/**
 * Keeps the records for which fn is truthy (empty batches are not passed on). A type guard narrows the
 * record type.
 *
 * @example
 * pipe(splitLines(), filter((line: string) => line.includes('ERROR')))
 */
export function filter<A, B extends A>(fn: (record: A) => record is B): RecordStage<A, B>;
export function filter<A>(fn: (record: A) => unknown): RecordStage<A, A>;
export function filter<A>(fn: (record: A) => unknown): RecordStage<A, A> {
  return recordStage([{ kind: 'filter', fn }]);
}

/**
 * Zero or more output records per input record (return an array; other iterables cost a copy).
 *
 * @example
 * pipe(splitLines(), flatMap((line: string) => line.split(' ')))   // words
 */
export function flatMap<A, B>(fn: (record: A) => Iterable<B>): RecordStage<A, B> {
  return recordStage([{ kind: 'flatMap', fn }]);
}
