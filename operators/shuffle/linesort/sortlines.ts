// sortLines as a stream stage: raw text bytes in (any chunking), the same lines sorted by bytes out, each
// terminated by LF — what `LC_ALL=C sort [-r] [-u]` prints. The fastest way to sort lines: no strings are
// made (see linesorter.ts). The temp dir goes on completion, error, destroy() and abort.
import type { Stage } from '../../types.ts';
import { scavengeEvery } from '../gc.ts';
import { LineSorter, type LineSorterOptions } from './linesorter.ts';
import { sortingStage } from '../sort/sorting-stage.ts';
import { checkTmpDir } from '../../check-options.ts';

/** Options of sortLines: the byte budget, where runs spill, -r/-u, a second thread, output chunk size, abort. */
export interface SortLinesOptions extends LineSorterOptions {
  /** Bytes per output chunk (default 256 KiB). */
  chunkSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/**
 * Sort the lines of a byte stream under a byte budget, as `LC_ALL=C sort [-r] [-u]` does: bytes in (any
 * chunking), the lines sorted by their bytes out, each ended by LF (a CR stays part of its line). No string
 * per line: the engine of `mrpipe sort`. Temp files go on end, error, destroy and abort.
 *
 * @param options `memory` (default 256 MiB), `tmpDir` (must exist, checked here), `reverse`, `unique`,
 *   `threads` (sort on a second core), `chunkSize` (bytes per output chunk, 256 KiB), `signal`.
 * @example
 * await pipeline(readChunks('huge.txt'), sortLines({ memory: 64 * 2 ** 20 }), createWriteStream('sorted.txt'));
 */
export function sortLines(options: SortLinesOptions = {}): Stage<Buffer, Buffer> {
  checkTmpDir(options.tmpDir, 'sortLines');
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
      const chunks = sorter.finishChunks(options.chunkSize);
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
