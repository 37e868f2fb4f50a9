// planRanges: cut a file into byte ranges from its size alone. readChunks({start, end}) applies the
// LineRecordReader rule to each, so together they cover every line exactly once without a scan.

/** A byte range of a file, for readChunks' `start`/`end` (LineRecordReader rule). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Options of planRanges: `splitSize` (bytes per range, default 64 MiB) or `count` (number of ranges). */
export interface PlanRangesOptions {
  /** Target bytes per range (default 64 MiB, ignored when count is given). */
  splitSize?: number;
  /** Number of ranges wanted (fewer when the file is smaller than that many bytes). */
  count?: number;
}

export const DEFAULT_SPLIT_SIZE = 64 * 1024 * 1024;

/**
 * Cut a file of `fileSize` bytes into byte ranges for readChunks' `start`/`end` (each line lands in exactly
 * one range). Planned from the size alone; an empty file gives one range {0, 0}.
 *
 * @param options `splitSize` (bytes per range, default 64 MiB) or `count` (number of ranges; wins).
 * @example
 * const ranges = planRanges((await stat(file)).size, { count: 4 });
 * const parts = ranges.map(({ start, end }) => readChunks(file, { start, end }));
 */
export function planRanges(fileSize: number, options: PlanRangesOptions = {}): ByteRange[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new RangeError(`planRanges: fileSize must be a non-negative integer, got ${fileSize}`);
  }
  const { count } = options;
  if (count !== undefined && !(Number.isSafeInteger(count) && count >= 1)) {
    throw new RangeError(`planRanges: count must be a positive integer, got ${count}`);
  }
  const splitSize = count !== undefined
    ? Math.max(1, Math.ceil(fileSize / count))
    : options.splitSize ?? DEFAULT_SPLIT_SIZE;
  if (!(Number.isSafeInteger(splitSize) && splitSize >= 1)) {
    throw new RangeError(`planRanges: splitSize must be a positive integer, got ${splitSize}`);
  }
  // An empty file still gets one (empty) range, so every input file yields one task.
  if (fileSize === 0) return [{ start: 0, end: 0 }];
  const ranges: ByteRange[] = [];
  for (let start = 0; start < fileSize; start += splitSize) {
    ranges.push({ start, end: Math.min(fileSize, start + splitSize) });
  }
  return ranges;
}
