// externalSort as a stream stage: record batches in, the same records sorted out in batches. Input is
// buffered by the sync Sorter (spilling runs under its temp dir); output is pulled from the final merge
// one batch per read(), so a slow consumer holds the merge, not memory. The temp dir goes on completion,
// error, destroy() and abort (options.signal); on SIGINT/SIGTERM only if the program asked (removeTempDirsOnSignals).
import type { Stage } from '../types.ts';
import type { Cursor } from './cursor.ts';
import { Sorter, type SorterOptions } from './sorter.ts';
import { sortingStage } from './sorting-stage.ts';
import { checkTmpDir } from '../check-options.ts';

/** Options of externalSort: the byte budget, where runs spill, the order (SortOptions), batch size, abort. */
export interface ExternalSortOptions<T> extends SorterOptions<T> {
  /** Records per output batch (default 4096). */
  batchSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/**
 * Sort records bigger than RAM: record batches (T[]) in, the same records sorted out, in batches, holding at
 * most `memory` bytes and spilling sorted runs to a private temp dir under `tmpDir` (removed on end, error,
 * destroy and abort). Strings sort by their bytes, [key, value] pairs by key (stable), or by the options.
 * Latin1 lines in plain byte order take a byte-level fast path: the output is `LC_ALL=C sort`'s.
 *
 * @param options `memory` (bytes held, default 256 MiB), `tmpDir` (must exist, checked here; default
 *   os.tmpdir()), `encoding` ('utf8' | 'latin1'), `key`, `compare`, `reverse`, `numeric`, `unique`,
 *   `stable`, `keys` (GNU -k definitions), `separator`, `fanIn` (16), `batchSize` (4096), `signal`.
 * @example
 * await pipeline(readChunks('huge.txt'), splitLines({ encoding: 'latin1' }),
 *   externalSort({ memory: 64 * 2 ** 20, encoding: 'latin1' }), joinLines({ encoding: 'latin1' }), process.stdout);
 */
export function externalSort<T>(options: ExternalSortOptions<T> = {}): Stage<T[], T[]> {
  checkTmpDir(options.tmpDir, 'externalSort');
  const batchSize = options.batchSize ?? 4096;
  const sorter = new Sorter<T>(options);
  let out: Cursor<T> | undefined;
  return sortingStage<T[], T[]>({
    objectMode: true,
    readableHighWaterMark: 2,
    writableHighWaterMark: 2,
    add: (batch) => sorter.pushAll(batch),
    finish: () => {
      const src = sorter.finish();
      out = src;
      return () => {
        const batch: T[] = [];
        while (batch.length < batchSize && src.advance()) batch.push(src.current);
        return batch.length === 0 ? null : batch;
      };
    },
    dispose: () => {
      out?.close();
      sorter.dispose();
    },
    signal: options.signal,
  });
}
