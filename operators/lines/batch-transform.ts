// The one Transform every synchronous batch function runs in: a batch in, the function's result out,
// empty results (undefined, null, an empty array) not pushed. highWaterMark counts batches.
import { Transform } from 'node:stream';

export type ChunkFn = (chunk: any) => unknown;

export const BATCH_HIGH_WATER_MARK = 2;

export function batchTransform(fn: ChunkFn): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: BATCH_HIGH_WATER_MARK,
    transform(chunk: unknown, _enc, callback) {
      let out: unknown;
      try {
        out = fn(chunk);
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (out !== undefined && out !== null && !(Array.isArray(out) && out.length === 0)) this.push(out);
      callback();
    },
  });
}
