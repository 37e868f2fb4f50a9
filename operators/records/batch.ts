// Record-mode adapters for the edges of a pipeline: every mrpipe stage passes batches (arrays of records),
// while a stream-json parser, a highland stream or an object-mode Readable passes one record per chunk.
// batch() gathers records into batches under a count and a byte bound; unbatch() spreads them out again.
import { Transform } from 'node:stream';
import type { Stage } from '../types.ts';
import { recordBytes } from '../shuffle/sort/size.ts';
import { positiveInteger } from '../check-options.ts';

/** Options of {@link batch}. */
export interface BatchOptions<T> {
  /** Most records per batch. Default 4096. */
  records?: number;
  /** Most estimated bytes of records per batch (a batch ends at the record that reaches it). Default 1 MiB. */
  bytes?: number;
  /** Byte estimate of one record. Default: the estimate the sorters use (strings, pairs, JSON-like values). */
  sizeOf?: (record: T) => number;
}

/**
 * Records in, batches out: gathers one-record chunks (an object-mode stream, stream-json, highland) into
 * arrays, the chunks every other stage takes. A batch ends at `records` records or `bytes` estimated bytes,
 * whichever comes first, and at the end of the input; memory is one batch.
 *
 * @param options `records` (default 4096), `bytes` (default 1 MiB), `sizeOf` (default: the sorters' estimate).
 * @example
 * // stream-json's records → mrpipe stages → records again
 * await pipeline(fs.createReadStream('events.json'), parser(), streamArray(), map(({ value }) => value),
 *   batch(), aggregateStage, unbatch(), sink);
 */
export function batch<T>(options: BatchOptions<T> = {}): Stage<T, T[]> {
  const records = positiveInteger(options.records ?? 4096, 'batch', 'records');
  const bytes = positiveInteger(options.bytes ?? 2 ** 20, 'batch', 'bytes');
  const sizeOf = options.sizeOf ?? recordBytes;
  let current: T[] = [];
  let held = 0;
  return new Transform({
    objectMode: true,
    writableHighWaterMark: 16,
    readableHighWaterMark: 2,
    transform(record: T, _enc, cb) {
      current.push(record);
      try {
        held += sizeOf(record);
      } catch (err) {
        cb(err as Error);
        return;
      }
      if (current.length < records && held < bytes) return cb();
      const full = current;
      current = [];
      held = 0;
      cb(null, full);
    },
    flush(cb) {
      cb(null, current.length > 0 ? current : undefined);
      current = [];
    },
  }) as unknown as Stage<T, T[]>;
}

/**
 * Batches in, records out: the inverse of {@link batch}, for handing mrpipe's output to a consumer that
 * takes one record per chunk (highland, an object-mode Writable, `for await`). A null record cannot travel
 * alone in a Node stream (it means "end"), so one is an error naming its place.
 *
 * @example
 * for await (const [word, count] of pipe(readChunks('in.txt'), splitLines(), ..., unbatch())) { ... }
 */
export function unbatch<T>(): Stage<T[], T> {
  let batches = 0;
  return new Transform({
    objectMode: true,
    writableHighWaterMark: 2,
    readableHighWaterMark: 16,
    transform(chunk: T[], _enc, cb) {
      batches++;
      if (!Array.isArray(chunk)) {
        cb(new TypeError(`mrpipe: unbatch: chunk ${batches} is not a batch (an array) but ${describe(chunk)}; unbatch follows a stage that passes arrays of records`));
        return;
      }
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === null) {
          cb(new TypeError(`mrpipe: unbatch: record ${i} of batch ${batches} is null, which a Node stream reads as its end; map it to a value first`));
          return;
        }
        this.push(chunk[i]);
      }
      cb();
    },
  }) as unknown as Stage<T[], T>;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Buffer.isBuffer(v)) return `a Buffer of ${v.length} bytes`;
  return typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'Object'})` : `a ${typeof v}`;
}
