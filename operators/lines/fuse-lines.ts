// splitLines fused with the record stages after it: each line goes straight from the splitter through the
// compiled map/filter/flatMap code into the output batch, so no array of line strings is built and the
// strings die young. Events ('progress', 'skipped') still reach listeners on the original splitLines stage.
import { Transform } from 'node:stream';
import { releaseChunk } from './chunk-pool.ts';
import type { Progress } from '../types.ts';
import { BATCH_HIGH_WATER_MARK } from './batch-transform.ts';
import { compileEach, type EachFactory, type RecordOp } from './compile-ops.ts';
import type { SplitLinesStage } from './split-lines.ts';
import type { RecordFeed } from './record-stages.ts';

/**
 * splitLines and the record stages after it as a feed for a stage that takes records one at a time (combine):
 * each line goes from the splitter through the compiled ops into that stage's sink, with no batch built.
 */
export function lineFeed(split: SplitLinesStage, ops: readonly RecordOp[]): RecordFeed {
  const { splitter } = split;
  const makeEach = compileEach(ops);
  let bytesRead = 0;
  // The loop for the last sink, kept while the sink is the same (combine passes one): one closure per stage.
  let lastSink: ((record: unknown) => void) | undefined;
  let lastEach: ReturnType<EachFactory> | undefined;
  const eachFor = (sink: (record: unknown) => void): ReturnType<EachFactory> => {
    if (sink !== lastSink || lastEach === undefined) {
      lastSink = sink;
      lastEach = makeEach({ push: sink } as unknown as unknown[]);
    }
    return lastEach;
  };
  return {
    write(chunk, sink) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
      try {
        splitter.write(buf, eachFor(sink));
      } finally {
        releaseChunk(buf); // every line was copied out: readChunks may reuse the buffer
      }
      bytesRead += buf.length;
      split.emit('progress', { bytesRead, records: splitter.lines } satisfies Progress);
    },
    end(sink) {
      splitter.end(eachFor(sink));
      split.emit('progress', { bytesRead, records: splitter.lines } satisfies Progress);
    },
    keepsNothing() {
      splitter.preferSlices();
    },
  };
}

export function fuseLines(split: SplitLinesStage, ops: readonly RecordOp[]): Transform {
  const { splitter } = split;
  const makeEach = compileEach(ops);
  let bytesRead = 0;
  const emitOut = (stage: Transform, out: unknown[]): void => {
    if (out.length > 0) stage.push(out);
    split.emit('progress', { bytesRead, records: splitter.lines } satisfies Progress);
  };
  const fused = new Transform({
    writableObjectMode: true,
    readableObjectMode: true,
    highWaterMark: BATCH_HIGH_WATER_MARK,
    transform(chunk: Buffer | string, _enc, callback) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const out: unknown[] = [];
      try {
        splitter.write(buf, makeEach(out));
      } catch (err) {
        callback(err as Error);
        return;
      } finally {
        releaseChunk(buf); // every line was copied out: readChunks may reuse the buffer
      }
      bytesRead += buf.length;
      emitOut(this, out);
      callback();
    },
    flush(callback) {
      const out: unknown[] = [];
      try {
        splitter.end(makeEach(out));
      } catch (err) {
        callback(err as Error);
        return;
      }
      emitOut(this, out);
      callback();
    },
  });
  // The splitLines stage lives as long as the stage that replaced it.
  fused.once('close', () => split.destroy());
  return fused;
}
