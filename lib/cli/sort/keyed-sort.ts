// `mrpipe sort` with keys, ordering flags, -t or -z (all but -g, -V and -R): raw input bytes go into a
// KeyedLineSorter, which sorts records of normalized key ‖ line by bytes (operators/shuffle/keys/), and
// the lines come out as byte chunks: no JavaScript string per line, no key parsed per comparison.
import { CorruptRunError, TooFewFilesError, scavengeEvery, type LineCursor, type ResolvedOrder } from '../../../operators/shuffle/index.ts';
import { KeyedLineSorter } from '../../../operators/shuffle/keys/keyedsorter.ts';
import { FilterProgramError } from '../../../plumbing/run-file.ts';
import { failure } from '../errors.ts';
import { readInputsReusing, tempDirError, withOutput, type InputSpec } from '../io.ts';
import type { ByteSortOptions } from './byte-sort.ts';

export interface KeyedSortOptions extends Omit<ByteSortOptions, 'reverse'> {
  order: ResolvedOrder;
  /** 10, or 0 for -z. */
  terminator: number;
  /** The name of the temp-dir flag, for error messages. */
  tmpFlag: string;
}

/** Sorts the inputs by the resolved GNU keys into the output (stdout or -o FILE). */
export async function sortKeyedLines(specs: readonly InputSpec[], opts: KeyedSortOptions): Promise<void> {
  const sorter = new KeyedLineSorter({
    order: opts.order, unique: opts.unique, terminator: opts.terminator, memory: opts.memory, tmpDir: opts.tmpDir,
    threads: opts.threads, fanIn: opts.fanIn, compressProgram: opts.compressProgram,
  });
  let read = 0;
  // Spilling happens inside write()/end(): only errors outside them are errors of the input.
  const spill = (fn: () => void): void => {
    try { fn(); } catch (err) {
      if (err instanceof TooFewFilesError) throw failure(err.message.replace(/^mrpipe: /, ''));
      // commands/sort.ts says these: a run read back cut or garbled (in a merge pass too) is no temp-dir problem
      if (err instanceof FilterProgramError || err instanceof CorruptRunError) throw err;
      throw tempDirError(err, opts.tmpDir, opts.tmpFlag, 'a sorted run');
    }
  };
  try {
    for (const spec of specs) {
      for await (const chunk of readInputsReusing([spec])) {
        spill(() => sorter.write(chunk));
        read += chunk.length;
        opts.onRead?.(read);
      }
      spill(() => sorter.end());
    }
    opts.onMerge?.();
    let cursor!: LineCursor;
    spill(() => { cursor = sorter.finish(); });
    await withOutput(opts.output, 'latin1', async (out) => {
      const passed = scavengeEvery();
      for (const chunk of terminatedChunks(cursor, opts.terminator)) {
        if (!out.writeBytes(chunk)) await out.drain();
        passed(chunk.length);
      }
    });
  } finally {
    sorter.dispose();
  }
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
