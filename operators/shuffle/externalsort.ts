// externalSort as a stream stage: record batches in, the same records sorted out in batches. Input is
// buffered by the sync Sorter (spilling runs under its temp dir); output is pulled from the final merge
// one batch per read(), so a slow consumer holds the merge, not memory. The temp dir goes on completion,
// error, destroy() and abort (options.signal), and at SIGINT/SIGTERM through the temp dir registry.
import { Duplex, addAbortSignal } from 'node:stream';
import type { Stage } from '../types.ts';
import type { Cursor } from './cursor.ts';
import { Sorter, type SorterOptions } from './sorter.ts';

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
  let wanted = false;

  const pump = (stage: Duplex): void => {
    const src = out as Cursor<T>;
    while (true) {
      const batch: T[] = [];
      while (batch.length < batchSize && src.advance()) batch.push(src.current);
      if (batch.length === 0) {
        stage.push(null);
        return;
      }
      if (!stage.push(batch)) return;
    }
  };

  const stage = new Duplex({
    objectMode: true,
    readableHighWaterMark: 2,
    writableHighWaterMark: 2,
    write(batch: T[], _enc, cb) {
      try {
        sorter.pushAll(batch);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      try {
        out = sorter.finish();
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb();
      // read() was already called and is waiting for a push: answer it now
      if (wanted) {
        try {
          pump(this);
        } catch (err) {
          this.destroy(err as Error);
        }
      }
    },
    read() {
      if (out === undefined) {
        wanted = true;
        return;
      }
      try {
        pump(this);
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, cb) {
      out?.close();
      sorter.dispose();
      cb(err);
    },
  });
  if (options.signal) addAbortSignal(options.signal, stage);
  return stage as Stage<T[], T[]>;
}
