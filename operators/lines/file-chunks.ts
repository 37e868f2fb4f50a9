// Positional reads of a file (or one byte range of it) into Buffers of whole lines. By default each read
// goes into a fresh buffer, so a chunk stays valid for as long as downstream holds it (a stream cannot
// know when that ends). A synchronous consumer of this generator (the runtime's hot loop) can pass
// reuse: true: two buffers alternate, which saves the page faults of fresh memory (docs/OPERATORS.md).
// The partial last line is copied to the front of the next buffer.
import fs from 'node:fs';
import { BufferPool, markReleasable } from './chunk-pool.ts';

export interface FileChunksOptions {
  start: number;
  /** Lines starting at p <= end belong to this range; Infinity = to EOF. */
  end: number;
  chunkSize: number;
  /** Called once per chunk read, with the bytes read so far. */
  onRead?: (bytesRead: number) => void;
  /**
   * Alternate two buffers instead of allocating one per read. Only for a consumer that is done with each
   * chunk before it asks for the next (for await with synchronous work, then next()).
   */
  reuse?: boolean;
  /** Recycle buffers that the consumer releases (readChunks -> splitLines does; see chunk-pool.ts). */
  pool?: BufferPool;
  /** Called once with the file offset of the first byte delivered (after the range's skipped part). */
  onStart?: (offset: number) => void;
}

const LF = 10;

function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/**
 * The LineRecordReader rule: a range with start > 0 drops everything up to and including the first newline
 * at or after start; every range reads on past end to the first newline at or after end. So a line starting
 * at byte p belongs to the range with start < p <= end, and p = 0 to the range starting at 0.
 */
export async function* fileChunks(fd: number, options: FileChunksOptions): AsyncGenerator<Buffer> {
  const { start, end, chunkSize, onRead } = options;
  let onStart = options.onStart;
  let pos = start; // file position of the next read
  let skipping = start > 0;
  let carry: Buffer | null = null; // partial line from the previous buffer
  let bytesRead = 0;
  const pair = options.reuse ? [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)] : null;
  let turn = 0;
  const pool = pair === null ? options.pool : undefined;
  while (true) {
    const buf = pair !== null ? pair[turn++ & 1] : pool !== undefined ? pool.take() : Buffer.allocUnsafe(chunkSize);
    // Carry is copied out of the previous buffer before this read, so that buffer may come back as buf.
    const out = pool === undefined ? (chunk: Buffer) => chunk : (chunk: Buffer) => markReleasable(chunk, () => pool.give(buf));
    const carried: number = carry === null ? 0 : carry.copy(buf, 0);
    carry = null;
    const n = await readAt(fd, buf, carried, chunkSize - carried, pos);
    bytesRead += n;
    onRead?.(bytesRead);
    const dataStart = pos - carried; // file position of buf[0]
    pos += n;
    const len: number = carried + n;
    if (n === 0) {
      if (len > 0) yield out(buf.subarray(0, len));
      return;
    }
    const data: Buffer = len === chunkSize ? buf : buf.subarray(0, len);
    let from = 0;
    if (skipping) {
      const nl = data.indexOf(LF, 0);
      if (nl === -1) continue;
      if (dataStart + nl >= end) return; // no line starts inside this range
      skipping = false;
      from = nl + 1;
    }
    if (onStart !== undefined) {
      onStart(dataStart + from);
      onStart = undefined;
    }
    if (end !== Infinity && dataStart + len > end) {
      // This buffer reaches the range end: stop after the first newline at or after it.
      const nl = data.indexOf(LF, Math.max(from, end - dataStart));
      if (nl !== -1) {
        if (nl + 1 > from) yield out(data.subarray(from, nl + 1));
        return;
      }
    }
    const last = data.lastIndexOf(LF);
    if (last < from) {
      // No newline: a line longer than the buffer goes downstream in pieces (splitLines joins them
      // under its maxLineBytes); a short read keeps the bytes for the next round.
      if (len === chunkSize) yield out(data.subarray(from));
      else if (len > from) carry = data.subarray(from);
      continue;
    }
    if (last + 1 < len) carry = data.subarray(last + 1);
    yield out(data.subarray(from, last + 1));
  }
}
