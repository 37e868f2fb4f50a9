// Whole-line chunks of one map task's input: a byte range of a plain file (the LineRecordReader rule of
// DESIGN.md: a line starting at byte p belongs to the range with start < p <= end, p = 0 to the first), or
// a whole .gz file through zlib. Each chunk is a Buffer of complete lines plus the file offset of its first
// byte; the last line of a file may lack its newline.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface LineChunk {
  buf: Buffer;
  /** Offset of buf[0] in the (uncompressed) file. */
  offset: number;
}

const LF = 10;

async function* fileBlocks(path: string, start: number, chunkSize: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    let pos = start;
    for (;;) {
      const b = Buffer.allocUnsafe(chunkSize);
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
  const gz = createReadStream(path, { highWaterMark: Math.min(chunkSize, 1 << 20) }).pipe(createGunzip({ chunkSize: Math.max(chunkSize, 64) }));
  try {
    for await (const b of gz) yield b as Buffer;
  } catch (err) {
    throw new Error(`${path}: cannot gunzip (${(err as Error).message}); the file is truncated or not gzip data`, { cause: err });
  } finally {
    gz.destroy();
  }
}

/** Re-cuts raw blocks into chunks of whole lines, dropping the first partial line when start > 0 and stopping after the line that covers `end`. */
async function* wholeLines(blocks: AsyncIterable<Buffer>, start: number, end: number): AsyncGenerator<LineChunk> {
  let carry: Buffer | null = null;
  let off = start; // file offset of the next unconsumed byte
  let skipping = start > 0;
  for await (const data of blocks) {
    let block: Buffer = carry ? Buffer.concat([carry, data]) : data;
    carry = null;
    if (skipping) {
      const q = block.indexOf(LF);
      if (q < 0) { off += block.length; continue; }
      block = block.subarray(q + 1);
      off += q + 1;
      skipping = false;
    }
    if (off > end) return;
    const rel = end - off;
    if (rel < block.length) {
      const nl = block.indexOf(LF, rel);
      if (nl >= 0) {
        yield { buf: block.subarray(0, nl + 1), offset: off };
        return;
      }
    }
    const cut = block.lastIndexOf(LF) + 1;
    if (cut > 0) yield { buf: block.subarray(0, cut), offset: off };
    if (cut < block.length) carry = block.subarray(cut);
    off += cut;
  }
  if (!skipping && carry && carry.length > 0 && off <= end) yield { buf: carry, offset: off };
}

/** Chunks of whole lines for a task: [start, end] of a plain file, or all of a .gz file. */
export function lineChunks(path: string, gz: boolean, start: number, end: number, chunkSize: number): AsyncGenerator<LineChunk> {
  return gz ? wholeLines(gunzipBlocks(path, chunkSize), 0, Infinity) : wholeLines(fileBlocks(path, start, chunkSize), start, end);
}

/** Raw byte blocks of a whole input (json input), decompressed when .gz. */
export function rawBlocks(path: string, gz: boolean, chunkSize: number): AsyncGenerator<Buffer> {
  return gz ? gunzipBlocks(path, chunkSize) : fileBlocks(path, 0, chunkSize);
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
