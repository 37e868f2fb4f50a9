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

/** Options of externalSort: the byte budget, where runs spill, the order (SortOptions), batch size, abort. */
export interface ExternalSortOptions<T> extends SorterOptions<T> {
  /** Records per output batch (default 4096; a batch of strings also ends at ~16 KiB of chars). */
  batchSize?: number;
  /** Abort: destroys the stage with an AbortError and removes its temp files. */
  signal?: AbortSignal;
}

/**
 * Chars of string records per output batch. The batches in flight between stages are what survives a
 * young-generation GC, and V8 grows the young generation (up to 128 MB here) once the survivors add up to
 * its size: batches of 4096 lines (~200 KB) grew it to 128 MB on a 300 MB sort, 16 KiB kept it at 16 MB.
 */
const BATCH_CHARS = 16 * 1024;

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
 * await pipeline(readChunks('huge.txt'), splitLines({ encoding: 'latin1', keepCR: true }),
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
        let chars = 0;
        while (batch.length < batchSize && chars < BATCH_CHARS && src.advance()) {
          const r = src.current;
          batch.push(r);
          chars += charsOf(r);
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

/** The string chars a record holds (its key's, for a [key, value] pair); 0 when not a string. */
function charsOf(r: unknown): number {
  if (typeof r === 'string') return r.length;
  if (Array.isArray(r) && typeof r[0] === 'string') return r[0].length + (typeof r[1] === 'string' ? r[1].length : 0);
  return 0;
}
