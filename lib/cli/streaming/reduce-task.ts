// `mrpipe reduce JOB` and `mrpipe combine JOB`: sorted, ungrouped `key<TAB>value` lines on stdin; the
// task notices key changes itself. reduce gives each key (each group(key) with secondary sort) its values
// as a lazy iterable that streams from stdin, and writes the job's output format; combine pre-aggregates
// each key and writes the wire format again.
import type { ResolvedJob } from '../../job/load.ts';
import { formatRecord } from '../../job/format.ts';
import type { ReduceContext } from '../../job/types.ts';
import { callCombine, callReduce, reduceEmit } from '../../job/checks.ts';
import { mergePartials } from '../../../operators/shuffle/keyed/builtins.ts';
import { KeyGroups, type GroupOptions, type KeyedSource } from '../../../operators/shuffle/keyed/group.ts';
import { BrokenPipe, CliError, failure } from '../errors.ts';
import { recordWhere } from '../../job/records.ts';
import { StreamingCounters, GROUP } from './counters.ts';
import { decodeKey, encodePair, splitPair } from './protocol.ts';
import { SyncLineReader } from './sync-io.ts';
import type { TaskOptions } from './map-task.ts';

/** Wire lines carry whole values (a collect list can be long): a larger default limit than input lines. */
const WIRE_LINE_BYTES = 64 * 1024 * 1024;

/** Wire lines as a keyed source for the group-by; a value is parsed when the reducer takes it. */
class WireSource implements KeyedSource<unknown> {
  readonly #reader: SyncLineReader;
  #key = '';
  #text: string | undefined;
  /** Where the value taken last (or the group's first line) is, for messages. */
  #where = '';

  constructor(reader: SyncLineReader) {
    this.#reader = reader;
  }

  advance(): boolean {
    const line = this.#reader.next();
    if (line === null) return false;
    const [k, v] = splitPair(line);
    this.#key = decodeKey(k);
    this.#text = v;
    return true;
  }

  key(): string {
    return this.#key;
  }

  value(): unknown {
    this.mark();
    const text = this.#text;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw failure(`${this.#where}: the value ${JSON.stringify(text.slice(0, 60))} is not JSON (${(err as Error).message}) — reduce and combine read what \`mrpipe map\` of the same job writes`);
    }
  }

  /** Remembers the line the source holds as the place messages name. */
  mark(): void {
    const r = this.#reader;
    const what = recordWhere(r.name, r.lineNumber, r.offset);
    this.#where = this.#text === undefined ? `${what} (a line without a TAB: no value)` : what;
  }

  /** The line of the value taken last, or of the group's first line. */
  where(): string {
    return this.#where;
  }
}

const notTheJobs = (err: unknown): boolean => err instanceof CliError || err instanceof BrokenPipe;

/** Runs one group's work; a failure of the job's code or data names the line the reader is at. */
function atLine(src: WireSource, work: () => void): void {
  src.mark();
  try {
    work();
  } catch (err) {
    if (notTheJobs(err)) throw err;
    throw failure(`${src.where()}: ${(err as Error)?.message ?? String(err)}`);
  }
}

function wireGroups(input: string, job: ResolvedJob, opts: TaskOptions, options: GroupOptions): [WireSource, KeyGroups<unknown>] {
  const src = new WireSource(new SyncLineReader(input, job.encoding, 0, { maxLineBytes: opts.maxLineBytes ?? WIRE_LINE_BYTES }));
  return [src, new KeyGroups(src, options)];
}

export async function runReduceTask(job: ResolvedJob, opts: TaskOptions): Promise<StreamingCounters> {
  const counters = new StreamingCounters();
  const counter = (group: string, name: string, n = 1): void => counters.add(group, name, n);
  const out = opts.out;
  let outputs = 0;
  const write = (key: string, value: unknown): void => { out.write(formatRecord(key, value, job.output)); outputs++; };
  const taskCtx = { taskId: process.env.mapreduce_task_id ?? 'reduce-0', kind: 'reduce' as const, counter };
  await job.setup?.(taskCtx);
  let groupCount = 0;
  let pairs = 0;
  const ctx: ReduceContext = { key: '', emit: reduceEmit(write), counter, taskId: taskCtx.taskId };
  for (const input of opts.inputs.length === 0 ? ['-'] : opts.inputs) {
    const [src, groups] = wireGroups(input, job, opts, { group: job.group, onValue: (k) => { ctx.key = k; } });
    for (let key = groups.nextGroup(); key !== null; key = groups.nextGroup()) {
      groupCount++;
      const reduce = job.reduce;
      atLine(src, () => {
        // A map-only job: every pair is output as it is.
        if (reduce === undefined) for (const v of groups.values()) write(ctx.key, v);
        else {
          ctx.key = key;
          const result = callReduce(reduce, key, groups.values(), ctx, notTheJobs);
          if (result !== undefined) write(key, result);
        }
      });
      if ((groupCount & 0xffff) === 0) counters.tick();
    }
    pairs += groups.records;
  }
  await job.teardown?.(taskCtx);
  out.flush();
  counters.add(GROUP, 'reduceInputRecords', pairs);
  counters.add(GROUP, 'reduceInputGroups', groupCount);
  counters.add(GROUP, 'outputRecords', outputs);
  return counters;
}

export async function runCombineTask(job: ResolvedJob, opts: TaskOptions): Promise<StreamingCounters> {
  const counters = new StreamingCounters();
  const out = opts.out;
  let outputs = 0;
  let pairs = 0;
  const put = (key: string, value: unknown): void => { out.write(encodePair(key, value)); outputs++; };
  for (const input of opts.inputs.length === 0 ? ['-'] : opts.inputs) {
    // Combining is per full key, whatever the job's grouping.
    const [src, groups] = wireGroups(input, job, opts, {});
    for (let key = groups.nextGroup(); key !== null; key = groups.nextGroup()) {
      const agg = job.agg ?? job.combineAgg;
      const combine = job.combine;
      atLine(src, () => {
        if (agg !== undefined) put(key, mergePartials(agg, key, groups.values()));
        else if (combine !== undefined) put(key, callCombine(combine, key, groups.values()));
        else for (const v of groups.values()) put(key, v);
      });
    }
    pairs += groups.records;
  }
  out.flush();
  counters.add(GROUP, 'combineInputRecords', pairs);
  counters.add(GROUP, 'combineOutputRecords', outputs);
  return counters;
}
