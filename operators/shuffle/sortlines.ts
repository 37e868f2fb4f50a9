// sortLines as a stream stage: raw text bytes in (any chunking), the same lines sorted by bytes out, each
// terminated by LF — what `LC_ALL=C sort [-r] [-u]` prints. The fastest way to sort lines: no strings are
// made (see linesorter.ts). The temp dir goes on completion, error, destroy() and abort.
import type { Stage } from '../types.ts';
import { scavengeEvery } from './gc.ts';
import { LineSorter, lineChunks, type LineSorterOptions } from './linesorter.ts';
import { sortingStage } from './sorting-stage.ts';

export interface SortLinesOptions extends LineSorterOptions {
  /** Bytes per output chunk (default 256 KiB). */
  chunkSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/** Sort the lines of a byte stream (LF-separated; a CR stays part of its line) under a byte budget. */
export function sortLines(options: SortLinesOptions = {}): Stage<Buffer, Buffer> {
  const sorter = new LineSorter(options);
  let out: Generator<Buffer, void, undefined> | undefined;
  const passed = scavengeEvery();
  return sortingStage<Buffer, Buffer>({
    objectMode: false,
    readableHighWaterMark: 1 << 18,
    add: (chunk) => {
      sorter.write(chunk);
      passed(chunk.length);
    },
    finish: () => {
      const chunks = lineChunks(sorter.finish(), options.chunkSize);
      out = chunks;
      return () => {
        const r = chunks.next();
        if (r.done) return null;
        passed(r.value.length);
        return r.value;
      };
    },
    dispose: () => {
      out?.return();
      sorter.dispose();
    },
    signal: options.signal,
  });
}
