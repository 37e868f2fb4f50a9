// The Duplex under both sorting stages (externalSort, sortLines): input chunks go into a sorter as they
// arrive; once the input has ended, the sorted output is pulled one chunk per read(), so a slow consumer
// holds the merge, not memory. The sorter's temp files go on completion, error, destroy() and abort.
import { Duplex, addAbortSignal } from 'node:stream';
import type { Stage } from '../../types.ts';

export interface SortingStageParts<I, O> {
  objectMode: boolean;
  readableHighWaterMark: number;
  writableHighWaterMark?: number;
  /** Takes one input chunk (may spill a run). */
  add(chunk: I): void;
  /** The input has ended: returns the puller of output chunks (null at the end), or a promise of it. */
  finish(): (() => O | null) | Promise<() => O | null>;
  /** Releases the output and the sorter's temp files; called at the end, on error and on destroy. */
  dispose(): void;
  signal?: AbortSignal;
}

export function sortingStage<I, O>(parts: SortingStageParts<I, O>): Stage<I, O> {
  let next: (() => O | null) | undefined;
  let wanted = false;

  const pump = (stage: Duplex): void => {
    const pull = next as () => O | null;
    while (true) {
      const chunk = pull();
      if (chunk === null) {
        parts.dispose();
        stage.push(null);
        return;
      }
      if (!stage.push(chunk)) return;
    }
  };
  const pumpOrFail = (stage: Duplex): void => {
    try {
      pump(stage);
    } catch (err) {
      stage.destroy(err as Error);
    }
  };

  const stage = new Duplex({
    objectMode: parts.objectMode,
    readableHighWaterMark: parts.readableHighWaterMark,
    writableHighWaterMark: parts.writableHighWaterMark,
    write(chunk: I, _enc, cb) {
      try {
        parts.add(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      const ready = (pull: () => O | null): void => {
        next = pull;
        cb();
        // read() was already called and is waiting for a push: answer it now
        if (wanted) pumpOrFail(this);
      };
      let pull: ReturnType<SortingStageParts<I, O>['finish']>;
      try {
        pull = parts.finish();
      } catch (err) {
        cb(err as Error);
        return;
      }
      if (typeof pull === 'function') ready(pull);
      else pull.then(ready, (err: unknown) => cb(err as Error));
    },
    read() {
      if (next === undefined) {
        wanted = true;
        return;
      }
      pumpOrFail(this);
    },
    destroy(err, cb) {
      parts.dispose();
      cb(err);
    },
  });
  if (parts.signal) addAbortSignal(parts.signal, stage);
  return stage as Stage<I, O>;
}
