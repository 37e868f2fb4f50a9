// splitLines: Buffers in, arrays of lines out (one array per chunk, never one line per chunk). A thin
// Transform over LineSplitter; emits 'progress' ({bytesRead, records}) per chunk and 'skipped' per
// overlong line dropped under onOverlong: 'skip'.
import { Transform } from 'node:stream';
import { releaseChunk } from './chunk-pool.ts';
import type { Progress, Stage } from '../types.ts';
import { LineSplitter, type LineEncoding, type SkippedLine } from './line-splitter.ts';

/** Options of splitLines: encoding, the longest line, what to do with longer ones, names in errors. */
export interface SplitLinesOptions {
  /** 'utf8' (default; a BOM at byte 0 is dropped) or 'latin1' (byte-exact: every byte kept, BOM included). */
  encoding?: LineEncoding;
  /** Default 1 MiB. */
  maxLineBytes?: number;
  /** 'error' (default) or 'skip' (dropped, counted in .skipped and announced by a 'skipped' event). */
  onOverlong?: 'error' | 'skip';
  /** Names the input in error messages. */
  source?: string;
  /**
   * 'copy' or 'slice' (faster; lines pin their chunk's string while kept: see LineSplitter). Default 'copy',
   * or 'slice' where pipe() fuses the lines into a combine('sum' | 'count'), whose table keeps no string.
   */
  strings?: 'copy' | 'slice';
  /**
   * Keep the CR of CRLF lines (default false: dropped, Hadoop's rule). With encoding 'latin1' this is the
   * raw-line mode: lines are the input's bytes, so latin1 externalSort + joinLines is `LC_ALL=C sort`.
   */
  keepCR?: boolean;
  /** Absolute byte offset of the first byte (when splitting a range that starts mid-file). */
  startOffset?: number;
}

/** Marks a splitLines stage so pipe() can fuse it with the record stages after it. */
export const LINE_SPLITTER: unique symbol = Symbol.for('mrpipe.lineSplitter');

/** The stage splitLines returns: Buffers in, line batches out, with its skip count and splitter. */
export interface SplitLinesStage extends Stage<Buffer, string[]> {
  readonly [LINE_SPLITTER]: true;
  /** Overlong lines skipped so far. */
  readonly skipped: number;
  /** The splitter underneath (line count, offsets). */
  readonly splitter: LineSplitter;
}

/**
 * Bytes to lines: Buffers in (any chunking), arrays of line strings out, one array per chunk. LF and CRLF
 * end a line (the CR is dropped unless `keepCR`); a lone CR is data; the last line may lack its newline;
 * empty lines are kept.
 *
 * @param options `encoding` ('utf8' default, BOM at byte 0 dropped; 'latin1' byte-exact),
 *   `keepCR` (default false; with 'latin1' the raw-line mode: lines are the input's bytes),
 *   `maxLineBytes` (default 1 MiB), `onOverlong` ('error' default, or 'skip': counted in `.skipped`),
 *   `source` (names the input in errors), `strings` ('copy' default, or 'slice'), `startOffset` (default 0).
 * @example
 * pipe(readChunks('in.txt'), splitLines({ encoding: 'latin1' }), filter((l: string) => l !== ''))
 */
export function splitLines(options: SplitLinesOptions = {}): SplitLinesStage {
  const emitter: { stage?: Transform } = {};
  const splitter = new LineSplitter({
    ...options,
    // Emitted on this stage even when pipe() fuses it away, so its listeners still hear.
    onSkip: (line: SkippedLine) => emitter.stage?.emit('skipped', line),
  });
  let bytesRead = 0;
  const flushOut = (out: string[]): void => {
    if (out.length > 0) stage.push(out);
    stage.emit('progress', { bytesRead, records: splitter.lines } satisfies Progress);
  };
  const stage = new Transform({
    writableObjectMode: true,
    readableObjectMode: true,
    writableHighWaterMark: 2,
    readableHighWaterMark: 2,
    transform(chunk: Buffer | string, _enc, callback) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let out: string[];
      try {
        out = splitter.split(buf);
      } catch (err) {
        callback(err as Error);
        return;
      } finally {
        releaseChunk(buf); // every line was copied out: readChunks may reuse the buffer
      }
      bytesRead += buf.length;
      flushOut(out);
      callback();
    },
    flush(callback) {
      let out: string[];
      try {
        out = splitter.finish();
      } catch (err) {
        callback(err as Error);
        return;
      }
      flushOut(out);
      callback();
    },
  });
  emitter.stage = stage;
  Object.defineProperties(stage, {
    skipped: { get: () => splitter.skipped },
    splitter: { value: splitter },
    [LINE_SPLITTER]: { value: true },
  });
  return stage as unknown as SplitLinesStage;
}
