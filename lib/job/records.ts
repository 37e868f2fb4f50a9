// The record core every runner's map side calls (the runtime's map task, the in-memory path through it, the
// word engine's line limit, Hadoop Streaming's `mrpipe map` and the wire positions of combine/reduce): the
// job's map applied to one record (JSONL parsed, a Promise refused), the bad-record policy (skip and count
// in mrpipe.badRecords while the allowance lasts, else fail) and the one message naming the record:
// `FILE line N (byte B): reason — hint`. Plain synchronous calls: nothing is allocated per good record.
import type { Emit } from '../../operators/types.ts';
import { checkMapResult, describeError } from './checks.ts';
import type { MapContext } from './types.ts';

/** The group of mrpipe's own counters (badRecords, mapInputRecords…). */
export const BUILTIN_GROUP = 'mrpipe';

/** Where a record is, as every message names it: `FILE line N (byte B)`, `FILE element I` (json input). */
export function recordWhere(file: string, line: number | null | undefined, offset: number | undefined, index?: number): string {
  const name = file === '-' ? '(stdin)' : file;
  if (index !== undefined) return `${name} element ${index}`;
  if (offset === undefined) return line == null ? name : `${name} line ${line}`;
  return line == null ? `${name} (byte ${offset})` : `${name} line ${line} (byte ${offset})`;
}

/** A record the job could not handle, with where it is; `limit` null: not a bad record (a job bug). */
export class RecordFailure {
  readonly error: unknown;
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly index: number | undefined;
  readonly limit: number | null;
  constructor(error: unknown, offset: number | undefined, line: number | undefined, index: number | undefined, limit: number | null) {
    this.error = error;
    this.offset = offset;
    this.line = line;
    this.index = index;
    this.limit = limit;
  }
}

/**
 * The one message of a record failure: where, (past an allowance) how many were skipped, the error, the
 * runner's `suffix` (the runtime's task and byte range), and what to do. `line` overrides the failure's
 * (the runtime counts it when the task started mid-file).
 */
export function recordMessage(f: RecordFailure, file: string, line = f.line, suffix = ''): string {
  const where = recordWhere(file, line, f.offset, f.index);
  if (f.limit === null) return `${where}: ${describeError(f.error)}${suffix}`;
  const what = f.limit > 0 ? `more than ${f.limit} bad records; the last: ` : '';
  // In the library's words (badRecords); the CLI says --bad-records (lib/cli/flag-words.ts).
  const hint = f.limit > 0 ? 'fix the input or raise badRecords' : 'fix the record, or skip bad ones with badRecords';
  return `${where}: ${what}${describeError(f.error)}${suffix} — ${hint}`;
}

/** The bad-record policy: a bad record is skipped and counted while the allowance lasts, else it fails. */
export class BadRecordPolicy {
  readonly limit: number;
  /** Bad records skipped so far. */
  seen = 0;
  readonly #counter: ((group: string, name: string) => void) | undefined;
  readonly #onSkip: ((err: unknown) => void) | undefined;

  /** `counter`: where mrpipe.badRecords is counted (none: the caller adds `seen` itself); `onSkip` hears of
   * each record skipped (Hadoop Streaming warns on stderr). */
  constructor(badRecords: number | 'fail', counter?: (group: string, name: string) => void, onSkip?: (err: unknown) => void) {
    this.limit = badRecords === 'fail' ? 0 : badRecords;
    this.#counter = counter;
    this.#onSkip = onSkip;
  }

  /** A bad record: skipped (and counted), or past the allowance a RecordFailure to throw. */
  skip(err: unknown, offset: number | undefined, line: number | undefined, index?: number): void {
    if (this.seen >= this.limit) throw new RecordFailure(err, offset, line, index, this.limit);
    this.seen++;
    this.#counter?.(BUILTIN_GROUP, 'badRecords');
    this.#onSkip?.(err);
  }
}

/** A line over the line limit, as the bad record it is. */
export function overlongLine(maxLineBytes: number): RangeError {
  return new RangeError(`line longer than maxLineBytes (${maxLineBytes} bytes)`);
}

/**
 * The job's map applied to records, one call each; the record's place is read from ctx (offset, line,
 * index), which the caller sets before each call. A throw of the map or a text that is not JSON is a bad
 * record (the policy); a Promise is the job's bug (fails at once); `fatal`, set by the emit that met it, is
 * an error no record is to blame for (a full disk, a closed pipe), thrown even if the map caught it.
 */
export class MapRecords {
  readonly policy: BadRecordPolicy;
  fatal: unknown = undefined;
  readonly #map: (record: any, emit: Emit, ctx: MapContext) => unknown;
  readonly #emit: Emit;
  readonly #ctx: MapContext;

  constructor(map: (record: any, emit: Emit, ctx: MapContext) => unknown, emit: Emit, ctx: MapContext, policy: BadRecordPolicy) {
    this.#map = map;
    this.#emit = emit;
    this.#ctx = ctx;
    this.policy = policy;
  }

  apply(record: unknown): void {
    const ctx = this.#ctx;
    // Called as a plain function, as the job's map always was (`this` is not the core).
    const map = this.#map;
    let r: unknown;
    try {
      r = map(record, this.#emit, ctx);
    } catch (err) {
      if (this.fatal !== undefined) throw this.fatal;
      this.policy.skip(err, ctx.offset, ctx.line, ctx.index);
      return;
    }
    if (this.fatal !== undefined) throw this.fatal;
    try {
      checkMapResult(r);
    } catch (err) {
      throw new RecordFailure(err, ctx.offset, ctx.line, ctx.index, null);
    }
  }

  /** A JSONL line (not blank: the caller skips those): parsed, then mapped. */
  applyJsonl(text: string): void {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      this.bad(new SyntaxError(`not JSON: ${(err as Error).message}`));
      return;
    }
    this.apply(v);
  }

  /** A bad record at ctx's place (an overlong line, text that is not JSON). */
  bad(err: unknown): void {
    const ctx = this.#ctx;
    this.policy.skip(err, ctx.offset, ctx.line, ctx.index);
  }
}
