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
 * Chars joined into one string at a time. A string over V8's regular-object size (128 KiB) is made in the
 * large-object space, which only a full GC frees: one joined string per batch made the heap of a sort's
 * output phase grow by ~170 MB of dead strings before V8 collected them.
 */
const JOIN_PIECE = 32 * 1024;

interface FastWrites {
  latin1Write(s: string, offset: number): number;
  utf8Write(s: string, offset: number): number;
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
  const latin1 = (options.encoding ?? 'utf8') === 'latin1';
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
      callback(null, encodeLines(lines, latin1));
    },
  }) as unknown as Stage<string[], Buffer>;
}

/** The lines, each followed by '\n', as bytes: joined and encoded a piece (≤ ~JOIN_PIECE chars) at a time. */
export function encodeLines(lines: readonly string[], latin1: boolean): Buffer {
  const pieces: string[] = [];
  let bytes = 0;
  for (let i = 0; i < lines.length;) {
    let j = i;
    let chars = 0;
    // a line longer than a piece makes a piece of its own
    do chars += lines[j++].length + 1;
    while (j < lines.length && chars + lines[j].length < JOIN_PIECE);
    const piece = j - i === 1 ? lines[i] + '\n' : lines.slice(i, j).join('\n') + '\n';
    pieces.push(piece);
    bytes += latin1 ? piece.length : Buffer.byteLength(piece, 'utf8');
    i = j;
  }
  const out = Buffer.allocUnsafe(bytes) as Buffer & FastWrites;
  let at = 0;
  for (const piece of pieces) at += latin1 ? out.latin1Write(piece, at) : out.utf8Write(piece, at);
  return out;
}
