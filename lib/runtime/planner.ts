// Planning map tasks from file sizes alone (no scan): files over the threshold are cut into byte ranges
// of about splitSize (at least one per worker); small files and .gz files are one task each; an explicit
// mapTasks shares that many ranges out between the splittable files by size. Ranges follow the
// LineRecordReader rule, so every line lands in exactly one task.
import type { InputFile } from './inputs.ts';

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

function ranges(file: InputFile, count: number): PlannedSplit[] {
  if (count <= 1 || file.size <= 1) return [{ file, start: 0, end: Infinity }];
  const out: PlannedSplit[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((file.size * i) / count);
    const end = i === count - 1 ? Infinity : Math.floor((file.size * (i + 1)) / count);
    if (end !== Infinity && end <= start) continue;
    out.push({ file, start, end });
  }
  return out;
}

export function planSplits(files: InputFile[], o: PlanOptions): PlannedSplit[] {
  const canSplit = (f: InputFile) => o.splittable && !f.gz;
  if (o.mapTasks !== undefined) {
    const total = files.filter(canSplit).reduce((a, f) => a + f.size, 0);
    const fixed = files.filter((f) => !canSplit(f)).length;
    const share = Math.max(0, o.mapTasks - fixed);
    return files.flatMap((f) => ranges(f, canSplit(f) && total > 0 ? Math.max(1, Math.round((share * f.size) / total)) : 1));
  }
  return files.flatMap((f) => {
    if (!canSplit(f) || f.size <= o.threshold) return ranges(f, 1);
    return ranges(f, Math.max(o.workers, Math.ceil(f.size / o.splitSize)));
  });
}
