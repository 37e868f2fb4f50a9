// Planning map tasks from file sizes alone (no scan): files over the threshold are cut into byte ranges
// of at most about splitSize, as many as a whole number of waves of the workers; a smaller file is still cut into up to `workers` ranges
// of at least MIN_SPLIT_BYTES, so a mid-size file on the streaming path (forced, or auto over the
// threshold across several files) does not leave workers idle; .gz files are one task each; an explicit
// mapTasks shares that many ranges out between the splittable files by size. Ranges follow the
// LineRecordReader rule, so every line lands in exactly one task. The in-memory path reads each file
// start to end and uses the plan only in the job's fingerprint. inMemoryFits is auto's choice between the two paths.
import { IN_MEMORY_BYTES_PER_INPUT_BYTE, inMemoryHold } from './budget.ts';
import type { InputFile } from './inputs.ts';
import { planRanges } from '../../operators/lines/plan-ranges.ts';

/** Below this a range is not worth a task of its own (task start-up, one more run per partition). */
export const MIN_SPLIT_BYTES = 8 * 1024 * 1024;

export interface PlannedSplit {
  file: InputFile;
  start: number;
  /** Lines starting at p <= end belong here; Infinity = to EOF. */
  end: number;
}

export interface PlanOptions {
  mapTasks?: number;
  splitSize: number;
  threshold: number;
  workers: number;
  /** The job allows splitting files (job.split !== false; json input never splits). */
  splittable: boolean;
}

/** The operators' even cut (planRanges); the last range reads to EOF, whatever the file has become. */
function ranges(file: InputFile, count: number): PlannedSplit[] {
  if (count <= 1 || file.size <= 1) return [{ file, start: 0, end: Infinity }];
  const cut = planRanges(file.size, { count });
  return cut.map(({ start, end }, i) => ({ file, start, end: i === cut.length - 1 ? Infinity : end }));
}

/** Map tasks for one splittable file when mapTasks is not given. */
export function splitCount(size: number, o: PlanOptions): number {
  // A whole number of waves: 3 tasks on 2 workers leave one worker idle for a third of the map phase
  // (300 MB at 128 MB splits); 4 smaller ones keep both busy to the end.
  const waves = Math.ceil(Math.ceil(size / o.splitSize) / o.workers);
  const big = size > o.threshold ? Math.max(o.workers, waves * o.workers) : 1;
  return Math.max(1, big, Math.min(o.workers, Math.ceil(size / MIN_SPLIT_BYTES)));
}

export function planSplits(files: InputFile[], o: PlanOptions): PlannedSplit[] {
  const canSplit = (f: InputFile) => o.splittable && !f.gz;
  if (o.mapTasks !== undefined) {
    const total = files.filter(canSplit).reduce((a, f) => a + f.size, 0);
    const fixed = files.filter((f) => !canSplit(f)).length;
    const share = Math.max(0, o.mapTasks - fixed);
    return files.flatMap((f) => ranges(f, canSplit(f) && total > 0 ? Math.max(1, Math.round((share * f.size) / total)) : 1));
  }
  return files.flatMap((f) => ranges(f, canSplit(f) ? splitCount(f.size, o) : 1));
}

export interface PathOptions {
  threshold: number;
  memory: number;
  /** The job reads one JSON array (stream-json streams it; the in-memory path would hold it whole). */
  json: boolean;
}

/**
 * `streaming: 'auto'`'s choice: the in-memory path only when the input's working set surely fits its share
 * of the budget (budget.ts, inMemoryHold): total input ≤ threshold and ≤ that share / bytes held per input
 * byte. A .gz file's size says nothing of its working set (text compresses 3-10×, runs of one byte ~1000×),
 * and a JSON array is streamed element by element: both always take the streaming path.
 */
export function inMemoryFits(files: InputFile[], o: PathOptions): boolean {
  if (o.json || files.some((f) => f.gz)) return false;
  const total = files.reduce((a, f) => a + f.size, 0);
  return total <= o.threshold && total * IN_MEMORY_BYTES_PER_INPUT_BYTE <= inMemoryHold(o.memory);
}
