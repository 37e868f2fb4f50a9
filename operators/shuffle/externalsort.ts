// externalSort as a stream stage: record batches in, the same records sorted out in batches. Input is
// buffered by the sync Sorter (spilling runs under its temp dir); output is pulled from the final merge
// one batch per read(), so a slow consumer holds the merge, not memory. The temp dir goes on completion,
// error, destroy() and abort (options.signal); on SIGINT/SIGTERM only if the program asked (removeTempDirsOnSignals).
import type { Stage } from '../types.ts';
import type { Cursor } from './cursor.ts';
import { Sorter, type SorterOptions } from './sorter.ts';
import { sortingStage } from './sorting-stage.ts';

export interface ExternalSortOptions<T> extends SorterOptions<T> {
  /** Records per output batch (default 4096). */
  batchSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/** Sort record batches (T[]) under a byte budget; see SorterOptions for the order options. */
export function externalSort<T>(options: ExternalSortOptions<T> = {}): Stage<T[], T[]> {
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
