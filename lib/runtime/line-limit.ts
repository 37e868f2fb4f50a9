// A line longer than a task's memory share can hold (budget.ts, recordCap) is refused by the line splitter
// before V8 is asked for it; this turns the splitter's error into one that says so.
import { LineTooLongError } from '../../operators/lines/line-too-long-error.ts';
import { markDeterministic } from '../job/checks.ts';
import { recordCap } from './budget.ts';
import { lineNumberAt } from './input-chunks.ts';
import type { TaskEnv, TaskSpec } from './task-types.ts';

const MiB = 1 << 20;

/**
 * A line refused because the task's memory share cannot hold it (env.maxLineBytes was lowered to
 * recordCap, not set so by the user), said as that; the line number is counted when the task started
 * mid-file. Marked deterministic: the same line needs the same memory on every attempt (not retried).
 * Other errors pass as they are.
 */
export async function explainLineLimit(err: unknown, env: TaskEnv, spec?: TaskSpec): Promise<unknown> {
  if (!(err instanceof LineTooLongError) || err.maxLineBytes < recordCap(env.budget)) return err;
  let line = err.lineNumber;
  if (line === null && spec?.kind === 'map') line = await lineNumberAt(spec.path, spec.gz, err.byteOffset).catch(() => null);
  const where = line === null ? `the line at byte offset ${err.byteOffset}` : `line ${line} (byte offset ${err.byteOffset})`;
  const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  return markDeterministic(new Error(`${err.source}: ${where} is longer than ${mib(err.maxLineBytes)}, the longest line a task `
    + `can hold in its share of the memory budget (${mib(env.budget)}); raise memory or lower workers, or skip such lines with badRecords`,
  { cause: err }));
}
