// Raw blocks of a whole input (json input, the word engine, .gz files through zlib), and the line number of a byte offset
// for error messages. Byte ranges of plain files are read by the line operators' fileChunks.
import { open } from 'node:fs/promises';
import { openInputStream } from '../../plumbing/open-input.ts';

const LF = 10;

/**
 * A plain file's bytes from `start`, chunkSize at a time. Fresh buffers, as a consumer may keep a block;
 * with `reuse`, one buffer serves every read (each block must be consumed before the next is asked for).
 */
async function* fileBlocks(path: string, start: number, chunkSize: number, reuse = false): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    let pos = start;
    const shared = reuse ? Buffer.allocUnsafeSlow(chunkSize) : undefined;
    for (;;) {
      const b = shared ?? Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await fh.read(b, 0, chunkSize, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield bytesRead === chunkSize ? b : b.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function* gunzipBlocks(path: string, chunkSize: number): AsyncGenerator<Buffer> {
  const gz = openInputStream(path, { highWaterMark: Math.min(chunkSize, 1 << 20), chunkSize: Math.max(chunkSize, 64) });
  try {
    for await (const b of gz) yield b as Buffer;
  } catch (err) {
    throw new Error(`${path}: cannot gunzip (${(err as Error).message}); the file is truncated or not gzip data`, { cause: err });
  } finally {
    gz.destroy();
  }
}

/** Raw byte blocks of a whole input (json input, the word engine), decompressed when .gz; `reuse`: see
 * fileBlocks (a plain file's blocks then share one buffer). */
export function rawBlocks(path: string, gz: boolean, chunkSize: number, reuse = false): AsyncGenerator<Buffer> {
  return gz ? gunzipBlocks(path, chunkSize) : fileBlocks(path, 0, chunkSize, reuse);
}

/** The 1-based line number of the line starting at byte `offset` (counts newlines before it; used for errors). */
export async function lineNumberAt(path: string, gz: boolean, offset: number): Promise<number> {
  let n = 1;
  let seen = 0;
  for await (const b of gz ? gunzipBlocks(path, 1 << 20) : fileBlocks(path, 0, 1 << 20)) {
    const lim = Math.min(b.length, offset - seen);
    for (let i = b.indexOf(LF); i >= 0 && i < lim; i = b.indexOf(LF, i + 1)) n++;
    seen += b.length;
    if (seen >= offset) break;
  }
  return n;
}
