// The output of a final merge split over both threads (LineSorter.finishChunks): this thread's lines
// before the splitter, then the text file the sort worker writes of the rest, read as it grows.
import fs from 'node:fs';
import type { LineCursor } from './linecursor.ts';
import { lineChunks } from './line-chunks.ts';
import type { SortThread } from './sort-thread.ts';
import { BeforeSplitter } from './splitter.ts';

/**
 * Bytes per read of the worker's text in a split final merge: a fresh buffer each (a write may still hold
 * it). 1 MiB ones cost 4× the system time of 256 KiB ones (each is mapped and unmapped anew).
 */
const COPY_BYTES = 1 << 18;

/**
 * The lines before `splitter` from `cursor`, then the worker's text file `upper`, read as the worker
 * writes it (`written`: its bytes so far). If the worker fails, the rest of `cursor` past what was read.
 * `stop` stops the worker once it is done.
 */
export function* splitChunks(
  thread: SortThread, stop: () => void, reverse: boolean,
  cursor: LineCursor, splitter: Buffer, upper: string, written: BigInt64Array, chunkSize: number,
): Generator<Buffer, void, undefined> {
  const lower = new BeforeSplitter(cursor, splitter, reverse);
  yield* lineChunks(lower, chunkSize);
  let fd = -1;
  let read = 0;
  try {
    for (;;) {
      const done = thread.idle(); // before the count: a finished worker's count is final
      const have = Number(Atomics.load(written, 0));
      if (read < have) {
        if (fd < 0) fd = fs.openSync(upper, 'r');
        const buf = Buffer.allocUnsafeSlow(Math.min(COPY_BYTES, have - read)); // fresh: a write may still hold it
        const n = fs.readSync(fd, buf, 0, buf.length, read);
        read += n;
        yield buf.subarray(0, n);
      } else if (!done) {
        Atomics.wait(written, 0, BigInt(have), 100);
      } else {
        break;
      }
    }
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  const r = thread.wait();
  stop();
  fs.rmSync(upper, { force: true });
  if (r.failure) {
    // the worker's text is what the rest of the merge gives: go on from where it stopped
    yield* dropBytes(lineChunks(lower.rest(), chunkSize), read);
    return;
  }
  cursor.close();
}

/** `chunks` without their first n bytes. */
function* dropBytes(chunks: Iterable<Buffer>, n: number): Generator<Buffer, void, undefined> {
  for (const c of chunks) {
    if (n >= c.length) {
      n -= c.length;
      continue;
    }
    yield n > 0 ? c.subarray(n) : c;
    n = 0;
  }
}
