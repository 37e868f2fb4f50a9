// Turning an input line into a map record (lines / jsonl), with bad-record accounting shared by the
// streaming tasks: a bad record either fails the task with its file, line and byte offset, or is
// skipped and counted while the --bad-records allowance lasts.
import { failure } from '../errors.ts';
import type { StreamingCounters } from './counters.ts';
import { GROUP } from './counters.ts';

export interface Where {
  file: string;
  line: number | null;
  offset: number;
}

export function describeWhere(w: Where): string {
  return `${w.file === '-' ? '(stdin)' : w.file}${w.line !== null ? `:${w.line}` : ''} (byte offset ${w.offset})`;
}

/** Applies the bad-records policy: throws a failure, or counts and warns while the allowance lasts. */
export class BadRecords {
  readonly #allowed: number;
  readonly #counters: StreamingCounters;
  skipped = 0;

  constructor(allowed: number, counters: StreamingCounters) {
    this.#allowed = allowed;
    this.#counters = counters;
  }

  handle(what: string, where: Where, err: unknown): void {
    const reason = (err as Error)?.message ?? String(err);
    if (this.skipped >= this.#allowed) {
      const hint = this.#allowed === 0
        ? 'fix the record, or allow some with --bad-records N'
        : `more than ${this.#allowed} bad records (--bad-records ${this.#allowed}); fix the input or raise the limit`;
      throw failure(`${what} failed at ${describeWhere(where)}: ${reason} — ${hint}`);
    }
    this.skipped++;
    this.#counters.add(GROUP, 'badRecords');
    process.stderr.write(`mrpipe: skipped bad record at ${describeWhere(where)}: ${reason}\n`);
  }
}
