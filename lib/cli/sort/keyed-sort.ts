// `mrpipe sort` with keys, ordering flags, -t or -z (all but --debug): raw input bytes go into a
// KeyedLineSorter, which sorts records of normalized key ‖ line by bytes (operators/shuffle/keys/), and
// the lines come out as byte chunks: no JavaScript string per line, no key parsed per comparison.
import type { ResolvedOrder } from '../../../operators/shuffle/keys/gnukeys.ts';
import type { LineCursor } from '../../../operators/shuffle/linesort/linecursor.ts';
import { KeyedLineSorter } from '../../../operators/shuffle/keys/keyedsorter.ts';
import type { InputSpec } from '../io.ts';
import { driveByteSort, type ByteSortOptions } from './byte-sort.ts';

export interface KeyedSortOptions extends Omit<ByteSortOptions, 'reverse'> {
  order: ResolvedOrder;
  /** 10, or 0 for -z. */
  terminator: number;
  /** The name of the temp-dir flag, for error messages. */
  tmpFlag: string;
}

/** Sorts the inputs by the resolved GNU keys into the output (stdout or -o FILE). */
export function sortKeyedLines(specs: readonly InputSpec[], opts: KeyedSortOptions): Promise<void> {
  const sorter = new KeyedLineSorter({
    order: opts.order, unique: opts.unique, terminator: opts.terminator, memory: opts.memory, tmpDir: opts.tmpDir,
    threads: opts.threads, fanIn: opts.fanIn, compressProgram: opts.compressProgram,
  });
  return driveByteSort(sorter, (cursor: LineCursor) => terminatedChunks(cursor, opts.terminator), specs,
    { ...opts, reverse: false }, opts.tmpFlag);
}

/** The cursor's lines, each followed by `terminator`, in fresh chunks of about `size` bytes. */
function* terminatedChunks(c: LineCursor, terminator: number, size = 1 << 18): Generator<Buffer, void, undefined> {
  let out = Buffer.allocUnsafeSlow(size);
  let pos = 0;
  try {
    while (c.advance()) {
      const n = c.end - c.start;
      if (pos + n + 1 > out.length) {
        if (pos > 0) yield out.subarray(0, pos);
        out = Buffer.allocUnsafeSlow(Math.max(size, n + 1));
        pos = 0;
      }
      const b = c.buf;
      if (n < 64) {
        for (let p = c.start; p < c.end; p++) out[pos++] = b[p];
      } else {
        pos += b.copy(out, pos, c.start, c.end);
      }
      out[pos++] = terminator;
    }
    if (pos > 0) yield out.subarray(0, pos);
  } finally {
    c.close();
  }
}
