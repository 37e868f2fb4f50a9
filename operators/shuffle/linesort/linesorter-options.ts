// The LineSorter's options and the stats it keeps (linesorter.ts re-exports both).

export interface LineSorterOptions {
  /** Bytes held before a run is spilled: line bytes + LINE_OVERHEAD per line. Default DEFAULT_MEMORY (256 MiB). */
  memory?: number;
  /** An existing directory under which the private run directory is made at the first spill. Default os.tmpdir(). */
  tmpDir?: string;
  /** Runs merged at once (≥ 2, default 16). */
  fanIn?: number;
  /** Descending byte order (-r). */
  reverse?: boolean;
  /** Keep one of each run of identical lines (-u). */
  unique?: boolean;
  /** Called after each run file is written (for counters / progress). Default: none. */
  onSpill?: (info: { file: string; records: number; bytes: number }) => void;
  /**
   * A helper thread sorts part of each buffer and writes its run while the next buffer fills (two
   * buffers; the worker's own ~20 MB is counted against the budget), merges every other merge-pass group,
   * and takes half of finishChunks()' final merge.
   * Default false: with no idle core it costs CPU and gains nothing (docs/ENGINES.md); `mrpipe sort`
   * turns it on as GNU's --parallel. Falls back to the calling thread if the worker cannot start.
   */
  threads?: boolean;
  /**
   * Cap on the bytes of one buffer / run (default 16 MiB). Smaller runs sort faster (the radix sort's
   * random reads stay in cache) but make more runs to merge; 16 MiB measured ~10-13% less CPU than 64
   * at 100 MB, 200 MB and 1 GB under a 64 MB budget (docs/ENGINES.md).
   */
  runBytes?: number;
  /**
   * A program each run is written through and read back through with `-d` (sort --compress-program;
   * plumbing/run-file.ts). The runs then stay on this thread: `threads` is ignored.
   */
  compressProgram?: string;
}

export interface LineSorterStats {
  records: number;
  runs: number;
  bytesSpilled: number;
  mergePasses: number;
  /** Merge-pass groups merged on the worker thread (threaded mode). */
  workerMerges?: number;
  /** finishChunks() split the final merge over both threads (threaded mode). */
  splitFinal?: boolean;
  /** Buffers whose sort the worker joined, sorting some of their groups (threaded mode). */
  sharedSorts?: number;
}
