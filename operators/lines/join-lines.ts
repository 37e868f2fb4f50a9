// joinLines: arrays of lines in, one Buffer per array out, each line ended by '\n' (the inverse of
// splitLines, for writing files and stdout).
import { Transform } from 'node:stream';
import type { Stage } from '../types.ts';
import type { LineEncoding } from './line-splitter.ts';

/** Options of joinLines: how strings become bytes. */
export interface JoinLinesOptions {
  /** How strings become bytes: 'utf8' (default) or 'latin1' (one byte per char, the inverse of latin1 splitting). */
  encoding?: LineEncoding;
}

/**
 * Lines to bytes: arrays of strings in, one Buffer per array out, every line ended by '\n' (the inverse of
 * splitLines, for writing files and stdout).
 *
 * @param options `encoding`: 'utf8' (default) or 'latin1' (one byte per char, the inverse of latin1 splitting).
 * @example
 * await pipeline(readChunks('in.txt'), splitLines(), map((l: string) => l.trim()), joinLines(), process.stdout);
 */
export function joinLines(options: JoinLinesOptions = {}): Stage<string[], Buffer> {
  const encoding = options.encoding ?? 'utf8';
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: true,
    writableHighWaterMark: 2,
    readableHighWaterMark: 2,
    transform(lines: string[], _enc, callback) {
      if (lines.length === 0) {
        callback();
        return;
      }
      // One join and one encode per batch: far cheaper than a write per line.
      callback(null, Buffer.from(lines.join('\n') + '\n', encoding));
    },
  }) as unknown as Stage<string[], Buffer>;
}
