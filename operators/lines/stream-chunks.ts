// Buffers of whole lines from any Readable (stdin, a socket, a gunzip stream): the partial last line of
// each incoming chunk is carried over to the next. A line longer than chunkSize is passed on in pieces
// rather than held whole (splitLines joins them under its maxLineBytes), so memory stays bounded.
import type { Readable } from 'node:stream';

const LF = 10;

export async function* streamChunks(
  input: Readable, chunkSize: number, onRead?: (bytesRead: number) => void,
): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let bytesRead = 0;
  for await (const piece of input) {
    const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
    bytesRead += chunk.length;
    onRead?.(bytesRead);
    const last = chunk.lastIndexOf(LF);
    if (last === -1) {
      carry.push(chunk);
      carryBytes += chunk.length;
      if (carryBytes >= chunkSize) {
        yield Buffer.concat(carry, carryBytes);
        carry = [];
        carryBytes = 0;
      }
      continue;
    }
    const head = chunk.subarray(0, last + 1);
    yield carryBytes === 0 ? head : Buffer.concat([...carry, head], carryBytes + head.length);
    carry = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    carryBytes = chunk.length - last - 1;
  }
  if (carryBytes > 0) yield Buffer.concat(carry, carryBytes);
}
