// `mrpipe reduce JOB` and `mrpipe combine JOB`: sorted, ungrouped `key<TAB>value` lines on stdin; the
// task notices key changes itself. reduce gives each key (each group(key) with secondary sort) its values
// as a lazy iterable that streams from stdin, and writes the job's output format; combine pre-aggregates
// each key and writes the wire format again.
import type { ResolvedJob } from '../../job/load.ts';
import { formatRecord } from '../../job/format.ts';
import type { ReduceContext } from '../../job/types.ts';
import { BrokenPipe, CliError, failure } from '../errors.ts';
import { StreamingCounters, GROUP } from './counters.ts';
import { decodeKey, encodePair, splitPair } from './protocol.ts';
import { SyncLineReader } from './sync-io.ts';
import type { TaskOptions } from './map-task.ts';

/** Wire lines carry whole values (a collect list can be long): a larger default limit than input lines. */
const WIRE_LINE_BYTES = 64 * 1024 * 1024;

/** Walks wire lines group by group; values() streams the current group's values. */
class GroupWalker {
  readonly #reader: SyncLineReader;
  readonly #group: (key: string) => string;
  /** The pair under the cursor (already read), or null at the end. */
  #key: string | null = null;
  #valueText: string | undefined;
  #groupKey = '';
  #inGroup = false;
  pairs = 0;

  constructor(reader: SyncLineReader, group: (key: string) => string) {
    this.#reader = reader;
    this.#group = group;
    this.#advance();
  }

  #advance(): void {
    const line = this.#reader.next();
    if (line === null) { this.#key = null; return; }
    const [k, v] = splitPair(line);
    this.#key = decodeKey(k);
    this.#valueText = v;
    this.pairs++;
  }

  /** Moves to the next group; returns its key, or null when the input is done. */
  nextGroup(): string | null {
    while (this.#inGroup) this.#skipOne();
    if (this.#key === null) return null;
    this.#groupKey = this.#group(this.#key);
    this.#inGroup = true;
    return this.#groupKey;
  }

  #skipOne(): void {
    this.#advance();
    this.#inGroup = this.#key !== null && this.#group(this.#key) === this.#groupKey;
  }

  /** The current group's values, each decoded from JSON; `onKey` sees the full key of each value. */
  *values(onKey?: (key: string) => void): Generator<unknown> {
    while (this.#inGroup) {
      const key = this.#key as string;
      const text = this.#valueText;
      let value: unknown;
      try {
        value = text === undefined ? undefined : JSON.parse(text);
      } catch (err) {
        const r = this.#reader;
        throw failure(`${r.name}:${r.lineNumber ?? '?'} (byte offset ${r.offset}): the value ${JSON.stringify((text as string).slice(0, 60))} is not JSON (${(err as Error).message}) — reduce and combine read what \`mrpipe map\` of the same job writes`);
      }
      onKey?.(key);
      this.#skipOne();
      yield value;
    }
  }
}

export async function runReduceTask(job: ResolvedJob, opts: TaskOptions): Promise<StreamingCounters> {
  const counters = new StreamingCounters();
  const counter = (group: string, name: string, n = 1): void => counters.add(group, name, n);
  const out = opts.out;
  let outputs = 0;
  const write = (key: string, value: unknown): void => { out.write(formatRecord(key, value, job.output)); outputs++; };
  const taskCtx = { taskId: process.env.mapreduce_task_id ?? 'reduce-0', kind: 'reduce' as const, counter };
  await job.setup?.(taskCtx);
  let groups = 0;
  let pairs = 0;
  for (const input of opts.inputs.length === 0 ? ['-'] : opts.inputs) {
    const walker = new GroupWalker(new SyncLineReader(input, job.encoding, 0, { maxLineBytes: opts.maxLineBytes ?? WIRE_LINE_BYTES }), job.group ?? ((k) => k));
    const ctx: ReduceContext = { key: '', emit: write, counter, taskId: taskCtx.taskId };
    let key: string | null;
    while ((key = walker.nextGroup()) !== null) {
      groups++;
      if (job.reduce === undefined) {
        // A map-only job: every pair is output as it is.
        for (const v of walker.values((k) => { ctx.key = k; })) write(ctx.key, v);
        continue;
      }
      ctx.key = key;
      let result: unknown;
      try {
        result = job.reduce(key, walker.values((k) => { ctx.key = k; }), ctx);
      } catch (err) {
        if (err instanceof CliError || err instanceof BrokenPipe) throw err;
        throw failure(`reduce failed for key ${JSON.stringify(key)}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      if (result !== undefined) write(key, result);
      if ((groups & 0xffff) === 0) counters.tick();
    }
    pairs += walker.pairs;
  }
  await job.teardown?.(taskCtx);
  out.flush();
  counters.add(GROUP, 'reduceInputRecords', pairs);
  counters.add(GROUP, 'reduceInputGroups', groups);
  counters.add(GROUP, 'outputRecords', outputs);
  return counters;
}

export async function runCombineTask(job: ResolvedJob, opts: TaskOptions): Promise<StreamingCounters> {
  const counters = new StreamingCounters();
  const out = opts.out;
  let outputs = 0;
  let pairs = 0;
  for (const input of opts.inputs.length === 0 ? ['-'] : opts.inputs) {
    // Combining is per full key, whatever the job's grouping.
    const walker = new GroupWalker(new SyncLineReader(input, job.encoding, 0, { maxLineBytes: opts.maxLineBytes ?? WIRE_LINE_BYTES }), (k) => k);
    let key: string | null;
    while ((key = walker.nextGroup()) !== null) {
      if (job.agg !== undefined) {
        const agg = job.agg;
        let acc: unknown;
        let first = true;
        for (const v of walker.values()) { acc = first ? v : agg.merge(acc, v); first = false; }
        out.write(encodePair(key, acc));
        outputs++;
      } else if (job.combine !== undefined) {
        out.write(encodePair(key, job.combine(key, walker.values())));
        outputs++;
      } else {
        for (const v of walker.values()) { out.write(encodePair(key, v)); outputs++; }
      }
    }
    pairs += walker.pairs;
  }
  out.flush();
  counters.add(GROUP, 'combineInputRecords', pairs);
  counters.add(GROUP, 'combineOutputRecords', outputs);
  return counters;
}
