// externalSort as a stream stage: record batches in, the same records sorted out in batches. Input is
// buffered by the sync Sorter (spilling runs under its temp dir); output is pulled from the final merge
// one batch per read(), so a slow consumer holds the merge, not memory. The temp dir goes on completion,
// error, destroy() and abort (options.signal); on SIGINT/SIGTERM only if the program asked (removeTempDirsOnSignals).
import type { Stage } from '../../types.ts';
import type { Cursor } from '../runs/cursor.ts';
import { Sorter, type SorterOptions } from './sorter.ts';
import { sortingStage } from './sorting-stage.ts';
import { sortedRunOf } from './sorted-batches.ts';
import { checkTmpDir } from '../../check-options.ts';
import { recordBytes } from './size.ts';

/** Options of externalSort: the byte budget, where runs spill, the order (SortOptions), batch size, abort. */
export interface ExternalSortOptions<T> extends SorterOptions<T> {
  /** Records per output batch (default 4096; a batch also ends at ~32 KiB of records, as size.ts counts them). */
  batchSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/**
 * Estimated bytes (recordBytes: chars and object headers) per output batch. The batches in flight between
 * the stages after a sort are what survives a young-generation GC: V8 grows its young generation once the
 * survivors add up to its size, and one kept small (capYoungGeneration) promotes them to the old space,
 * garbage there until a full GC. Batches of 4096 lines (~200 KB) grew the young generation to 128 MB on a
 * 300 MB sort; batches of 4096 pairs grew the old space by ~50 MB under a 16 MiB budget (bench/cases/pipeline.ts).
 */
const BATCH_BYTES = 32 * 1024;

/**
 * Sort records bigger than RAM: record batches (T[]) in, the same records sorted out, in batches, holding at
 * most `memory` bytes and spilling sorted runs to a private temp dir under `tmpDir` (removed on end, error,
 * destroy and abort). Strings sort by their bytes, [key, value] pairs by key (stable), or by the options.
 * Latin1 lines in plain byte order take a byte-level fast path: the output is `LC_ALL=C sort`'s.
 *
 * @param options `memory` (bytes held, default 256 MiB), `tmpDir` (must exist, checked here; default
 *   os.tmpdir()), `encoding` ('utf8' | 'latin1'), `key`, `compare`, `reverse`, `numeric`, `unique`,
 *   `stable`, `keys` (GNU -k definitions), `separator`, `fanIn` (16), `batchSize` (4096), `signal`, `threads`
 *   (latin1 byte order: a worker thread sorts part of each buffer).
 * @example
 * await pipeline(readChunks('huge.txt'), splitLines({ encoding: 'latin1', keepCR: true }),
 *   externalSort({ memory: 64 * 2 ** 20, encoding: 'latin1', threads: true }), joinLines({ encoding: 'latin1' }), process.stdout);
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
    add: (batch) => {
      // combine's spills (cut by partition) arrive sorted: written straight to runs, not held and sorted again
      const run = sortedRunOf(batch);
      if (run) sorter.pushSorted(batch, run);
      else sorter.pushAll(batch);
    },
    finish: () => {
      const src = sorter.finish();
      out = src;
      return () => {
        const batch: T[] = [];
        let bytes = 0;
        while (batch.length < batchSize && bytes < BATCH_BYTES && src.advance()) {
          const r = src.current;
          batch.push(r);
          bytes += recordBytes(r);
        }
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
