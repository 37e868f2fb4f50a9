// `mrpipe sort` without -k/-n/-t: plain byte order (optionally -r, -u; -s changes nothing there, since
// lines equal in byte order are the same bytes). The raw input Buffers go straight into a LineSorter and
// the sorted lines come out as byte chunks: no JavaScript string is made per line.
import { scavengeEvery } from '../../../operators/shuffle/gc.ts';
import { LineSorter } from '../../../operators/shuffle/linesort/linesorter.ts';
import { CorruptRunError } from '../../../operators/shuffle/runs/errors.ts';
import { TooFewFilesError } from '../../../operators/shuffle/runs/fdlimit.ts';
import { failure } from '../errors.ts';
import { FilterProgramError } from '../../../plumbing/run-file.ts';
import { readInputsReusing, tempDirError, withOutput, type InputSpec } from '../io.ts';

export interface ByteSortOptions {
  reverse: boolean;
  unique: boolean;
  memory: number;
  tmpDir: string | undefined;
  /** Sort runs and merge on a worker thread too (LineSorter `threads`). */
  threads?: boolean;
  output: string | undefined;
  /** Runs merged at once (--batch-size). */
  fanIn?: number;
  /** --compress-program: runs are written through it and read back through `PROG -d`. */
  compressProgram?: string;
  /** Called with the input bytes read so far (the progress bar). */
  onRead?: (bytes: number) => void;
  /** Called when the input is read and the merge of the sorted runs begins. */
  onMerge?: () => void;
}

/** What the driver needs of a sorter: raw input bytes in (it copies what it keeps), sorted lines out. */
export interface ByteSorter<C> {
  write(chunk: Buffer): void;
  /** The end of one input: its last line ends here, newline or not (as GNU sort). */
  end(): void;
  finish(): C;
  dispose(): void;
}

/**
 * Reads the inputs into `sorter` and writes what `chunksOf` makes of its sorted cursor to the output (stdout
 * or -o FILE): the one loop of both byte sorts, plain and keyed. Errors while spilling are the temp dir's
 * (named by `tmpFlag`), but for a run read back cut or garbled, which commands/sort.ts reports.
 */
export async function driveByteSort<C>(
  sorter: ByteSorter<C>, chunksOf: (cursor: C) => Iterable<Buffer>, specs: readonly InputSpec[],
  opts: ByteSortOptions, tmpFlag: string,
): Promise<void> {
  let read = 0;
  // Spilling happens inside write()/end(): only errors outside them are errors of the input.
  const spill = (fn: () => void): void => {
    try { fn(); } catch (err) {
      if (err instanceof TooFewFilesError) throw failure(err.message.replace(/^mrpipe: /, ''));
      if (err instanceof FilterProgramError || err instanceof CorruptRunError) throw err;
      throw tempDirError(err, opts.tmpDir, tmpFlag, 'a sorted run');
    }
  };
  try {
    for (const spec of specs) {
      // One buffer reused per read: write() copies what it keeps into the sorter's arena.
      for await (const chunk of readInputsReusing([spec])) {
        spill(() => sorter.write(chunk));
        read += chunk.length;
        opts.onRead?.(read);
      }
      spill(() => sorter.end());
    }
    opts.onMerge?.();
    let cursor!: C;
    spill(() => { cursor = sorter.finish(); });
    await withOutput(opts.output, 'latin1', async (out) => {
      // Each chunk is a fresh Buffer (an asynchronous write may still hold it), its memory outside the
      // heap: a scavenge every few MB frees the written ones, where V8 would let ~64 MB pile up.
      const passed = scavengeEvery();
      for (const chunk of chunksOf(cursor)) {
        if (!out.writeBytes(chunk)) await out.drain();
        passed(chunk.length);
      }
    });
  } finally {
    sorter.dispose();
  }
}

/** Sorts the inputs in byte order into the output (stdout or -o FILE). */
export function sortByteLines(specs: readonly InputSpec[], opts: ByteSortOptions): Promise<void> {
  const sorter = new LineSorter({
    memory: opts.memory, tmpDir: opts.tmpDir, reverse: opts.reverse, unique: opts.unique, threads: opts.threads,
    fanIn: opts.fanIn, compressProgram: opts.compressProgram,
  });
  // finishChunks: the final merge on both threads when there are two (the sorted text comes out whole)
  const chunked: ByteSorter<Iterable<Buffer>> = {
    write: (chunk) => sorter.write(chunk), end: () => sorter.end(), finish: () => sorter.finishChunks(), dispose: () => sorter.dispose(),
  };
  return driveByteSort(chunked, (chunks) => chunks, specs, opts, '-T');
}
