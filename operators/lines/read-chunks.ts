// readChunks: the source of every pipeline. A path, a file descriptor or a Readable in; Buffers holding
// whole lines out (the last one at EOF may lack its newline), plus cheap per-chunk 'progress' events.
import { Readable } from 'node:stream';
import type { Progress, Source } from '../types.ts';
import { BufferPool } from './chunk-pool.ts';
import { fileChunks } from './file-chunks.ts';
import { openInput } from '../../plumbing/open-input.ts';
import { streamChunks } from './stream-chunks.ts';
import fs from 'node:fs';

/** Options of readChunks: a byte range, the read size, abort, and where the range really starts. */
export interface ReadChunksOptions {
  /** First byte of the range (LineRecordReader rule, see docs/OPERATORS.md). Files only. Default 0. */
  start?: number;
  /** Lines starting at byte p <= end belong to this range. Files only. Default: to EOF. */
  end?: number;
  /** Bytes per read. Default DEFAULT_CHUNK_SIZE (measured, see docs/OPERATORS.md). */
  chunkSize?: number;
  /** Abort: destroys the stream with an AbortError (the generator reading the file ends). Default: none. */
  signal?: AbortSignal;
  /**
   * Called once with the file offset of the first byte delivered: with start > 0 the bytes up to the first
   * newline belong to the previous range. Set a LineSplitter's offset from it for exact byte offsets.
   * The stream also emits it as a 'start' event.
   */
  onStart?: (offset: number) => void;
}

/** Measured best of 64 KiB..16 MiB (docs/OPERATORS.md): per-chunk costs are already negligible, the chunk is
 * still in cache when its lines are decoded, and each batch of strings stays small (half the RSS of 1 MiB). */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;

/**
 * The source of a pipeline: a file path, a file descriptor or a Readable in; Buffers of whole lines out
 * (a line longer than `chunkSize` arrives in pieces that splitLines joins). A path is opened on the first
 * read and closed on end, error or destroy; a descriptor is the caller's and is never closed. Emits
 * 'progress' `{bytesRead, bytesTotal}` per chunk. A missing or unreadable file is an InputError naming it.
 *
 * @param source a path, a file descriptor, or a Readable (stdin, a gunzip stream).
 * @param options `start`/`end` (a byte range, files only; LineRecordReader rule), `chunkSize` (bytes per
 *   read, default 256 KiB), `signal`, `onStart`.
 * @example
 * await pipeline(readChunks('big.log'), splitLines(), joinLines(), process.stdout);
 */
export function readChunks(source: string | number | Readable, options: ReadChunksOptions = {}): Source<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!(Number.isSafeInteger(chunkSize) && chunkSize >= 1)) {
    throw new RangeError(`readChunks: chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const start = options.start ?? 0;
  const end = options.end ?? Infinity;
  if (!(Number.isSafeInteger(start) && start >= 0) || !(end === Infinity || Number.isSafeInteger(end)) || end < start) {
    throw new RangeError(`readChunks: need 0 <= start <= end, got start=${start} end=${end}`);
  }
  let stream: Readable;
  let bytesTotal: number | undefined;
  const onRead = (bytesRead: number): void => {
    stream.emit('progress', { bytesRead, bytesTotal } satisfies Progress);
  };
  const onStart = (offset: number): void => {
    options.onStart?.(offset);
    stream.emit('start', offset);
  };
  if (typeof source === 'string' || typeof source === 'number') {
    stream = Readable.from(fromFile(source, start, end, chunkSize, onRead, onStart, (size) => {
      bytesTotal = Math.max(0, Math.min(size, end) - start);
    }), { objectMode: true, highWaterMark: 2, signal: options.signal });
  } else {
    if (options.start !== undefined || options.end !== undefined) {
      throw new TypeError('readChunks: start/end need a file (path or fd); a Readable can only be read whole');
    }
    stream = Readable.from(streamChunks(source, chunkSize, onRead),
      { objectMode: true, highWaterMark: 2, signal: options.signal });
  }
  return stream as Source<Buffer>;
}

async function* fromFile(
  source: string | number, start: number, end: number, chunkSize: number,
  onRead: (bytesRead: number) => void, onStart: (offset: number) => void, onSize: (size: number) => void,
): AsyncGenerator<Buffer> {
  // Opened lazily, on the first read: a stream destroyed before it flows never holds a descriptor.
  if (typeof source === 'number') {
    // The caller owns a descriptor it passes in; we never close it. A pipe or TTY cannot seek.
    const stat = fs.fstatSync(source);
    if (stat.isFile()) {
      onSize(stat.size);
      yield* fileChunks(source, { start, end, chunkSize, onRead, onStart, pool: new BufferPool(chunkSize) });
    } else {
      if (start !== 0 || end !== Infinity) throw new TypeError(`readChunks: fd ${source} is not a file; start/end need one`);
      yield* streamChunks(fs.createReadStream('', { fd: source, autoClose: false }), chunkSize, onRead);
    }
    return;
  }
  const { handle, size } = await openInput(source);
  try {
    onSize(size);
    yield* fileChunks(handle.fd, { start, end, chunkSize, onRead, onStart, pool: new BufferPool(chunkSize) });
  } finally {
    await handle.close();
  }
}
