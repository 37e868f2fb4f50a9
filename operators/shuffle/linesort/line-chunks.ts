// Sorted lines out as bytes: a line cursor turned into newline-terminated output chunks, with no string
// per line.
import type { LineCursor } from './linecursor.ts';

/**
 * Newline-terminated output chunks of a line cursor (about `chunkSize` bytes each), for writing sorted
 * lines straight out without decoding them. A line of chunkSize bytes or more from a stable cursor is a
 * chunk of its own, a view of the cursor's buffer (its LF starts the next chunk). Each chunk is a fresh Buffer, unless `reuse`: then one buffer
 * is refilled, and each chunk must be consumed (e.g. fs.writeSync) before asking for the next — which
 * keeps RSS flat where a fresh buffer per chunk would wait for the GC.
 */
export function* lineChunks(c: LineCursor, chunkSize = 1 << 18, reuse = false): Generator<Buffer, void, undefined> {
  const first = Buffer.allocUnsafeSlow(chunkSize);
  let out = first;
  let pos = 0;
  try {
    while (c.advance()) {
      const n = c.end - c.start;
      if (n >= chunkSize && c.stable) {
        // a huge line whose bytes stay put goes out as a view: a copy would hold it twice
        if (pos > 0) yield out.subarray(0, pos);
        if (!reuse && pos > 0) out = Buffer.allocUnsafeSlow(chunkSize);
        yield c.buf.subarray(c.start, c.end);
        out[0] = 10;
        pos = 1;
        continue;
      }
      if (pos + n + 1 > out.length) {
        if (pos > 0) yield out.subarray(0, pos);
        out = reuse && n + 1 <= chunkSize ? first : Buffer.allocUnsafeSlow(Math.max(chunkSize, n + 1));
        pos = 0;
      }
      const b = c.buf;
      if (n <= 32) {
        // a short line: a loop beats a native call's overhead
        for (let i = c.start; i < c.end; i++) out[pos++] = b[i];
      } else {
        pos += b.copy(out, pos, c.start, c.end);
      }
      out[pos++] = 10;
    }
    if (pos > 0) yield out.subarray(0, pos);
  } finally {
    c.close();
  }
}
