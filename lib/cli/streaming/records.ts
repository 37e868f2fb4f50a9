// What the streaming tasks add to the record core (lib/job/records.ts), whose policy and messages they
// share with the runtime: a warning on stderr for each bad record skipped (Hadoop keeps it in the task's
// log), and a record failure turned into the command's error.
import { describeError } from '../../job/checks.ts';
import { recordMessage, RecordFailure, recordWhere } from '../../job/records.ts';
import type { MapContext } from '../../job/types.ts';
import { failure } from '../errors.ts';

export function warnSkipped(ctx: MapContext, err: unknown): void {
  process.stderr.write(`mrpipe: skipped bad record at ${recordWhere(ctx.file, ctx.line, ctx.offset, ctx.index)}: ${describeError(err)}\n`);
}

/** Runs work; a record failure in it becomes the task's error, the runtime's message for it. */
export function failOnRecord(file: string, work: () => void): void {
  try {
    work();
  } catch (err) {
    if (err instanceof RecordFailure) throw failure(recordMessage(err, file));
    throw err;
  }
}
