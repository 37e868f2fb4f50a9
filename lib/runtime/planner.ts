// Planning map tasks from file sizes alone (no scan): files over the threshold are cut into byte ranges
// of at most about splitSize, as many as a whole number of waves of the workers, the last wave cut finer
// (withTail) and started last (scheduleOrder); a smaller file is still cut into up to `workers` ranges
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
  /**
   * The reduce's merge fan-in: a plan of at most this many tasks is merged in one pass (and, to a stream,
   * split in two halves), so the tail's extra pieces never take a plan past it. Default: no limit.
   */
  fanIn?: number;
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
  const plan = files.flatMap((f) => ranges(f, canSplit(f) ? splitCount(f.size, o) : 1));
  if (o.workers < 2) return plan;
  // A plan already past the fan-in takes merge passes anyway; one within it stays within it.
  const room = o.fanIn === undefined || plan.length > o.fanIn ? Infinity : o.fanIn - plan.length;
  return withTail(plan, o.workers, room, (s) => canSplit(s.file));
}

/** Bytes a planned range reads (its file's size for the range to EOF); a .gz file's compressed size. */
export function splitBytes(s: PlannedSplit): number {
  return (s.end === Infinity ? s.file.size : s.end) - s.start;
}

/**
 * The order the scheduler starts map tasks in (indices into the plan): largest first, by whole MiB (even
 * cuts differ by a byte or so), then in plan order. The small tail tasks (withTail) run last.
 */
export function scheduleOrder(plan: readonly PlannedSplit[]): number[] {
  const mib = plan.map((s) => Math.floor(splitBytes(s) / (1 << 20)));
  return plan.map((_, i) => i).sort((a, b) => mib[b] - mib[a] || a - b);
}

/**
 * The job's last wave cut finer: the `workers` splittable ranges that start last (scheduleOrder) are each cut into
 * pieces of 1/2, 1/4, … 1/2^k and 1/2^k of it, the smallest of at least MIN_SPLIT_BYTES; each cut adds k
 * tasks, and all of them together at most `room`. Equal ranges are not equal work (real text has denser stretches: one quarter of a 300 MB source-code file took 1.4× the
 * CPU of another), and the workers pull tasks as they free up, so small last tasks even out when they
 * finish: with 4 even tasks on 2 workers, one worker waited ~1 s for the other. Each piece costs its task a
 * final spill of a partly filled table and the reduce one more run. Pieces stay in file order in the plan
 * (the reduce merges runs in plan order).
 */
function withTail(plan: PlannedSplit[], workers: number, room: number, canCut: (s: PlannedSplit) => boolean): PlannedSplit[] {
  const tail = new Set(scheduleOrder(plan).filter((i) => canCut(plan[i])).slice(-workers).filter((i) => splitBytes(plan[i]) >= 4 * MIN_SPLIT_BYTES));
  // `room` more tasks at most: each cut range gets as many halvings as its share of it allows.
  const most = Math.floor(room / Math.max(1, tail.size));
  if (tail.size === 0 || most < 1) return plan;
  return plan.flatMap((s, i) => {
    if (!tail.has(i)) return [s];
    const n = splitBytes(s);
    let halvings = 1;
    while (halvings < most && n / 2 ** (halvings + 1) >= MIN_SPLIT_BYTES) halvings++;
    const pieces: PlannedSplit[] = [];
    let start = s.start;
    for (let k = 1; k <= halvings; k++) {
      const end = s.start + n - Math.floor(n / 2 ** k);
      pieces.push({ ...s, start, end });
      start = end;
    }
    pieces.push({ ...s, start });
    return pieces;
  });
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
