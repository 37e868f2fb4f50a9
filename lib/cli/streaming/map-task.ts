// `mrpipe map JOB`: input lines → the job's map → `key<TAB>JSON value` lines (see protocol.ts).
// The input file name comes from Hadoop's environment (mapreduce_map_input_file) when it is set, so jobs
// that look at ctx.file (join, invertedindex) work under Hadoop as they do locally.
import type { ResolvedJob } from '../../job/load.ts';
import { checkKey } from '../../job/checks.ts';
import { BadRecordPolicy, MapRecords, overlongLine } from '../../job/records.ts';
import type { MapContext, TaskContext } from '../../job/types.ts';
import { DEFAULT_MAX_LINE_BYTES } from '../../../operators/lines/line-splitter.ts';
import { usageError } from '../errors.ts';
import { StreamingCounters, GROUP } from './counters.ts';
import { encodePair } from './protocol.ts';
import { failOnRecord, warnSkipped } from './records.ts';
import { SyncLineReader, type SyncOutput } from './sync-io.ts';

export interface TaskOptions {
  /** Input files; [] or ['-'] = stdin. */
  inputs: string[];
  out: SyncOutput;
  /** Bad records to skip (and count) before failing. */
  badRecords: number;
  /** Longest input line (default: 1 MiB for map, 64 MiB for the wire lines of combine and reduce). */
  maxLineBytes?: number;
}

/** Hadoop's name for the split being mapped and where it starts (old and new property names). */
function hadoopSplit(): { file: string | undefined; start: number } {
  const env = process.env;
  const file = env.mapreduce_map_input_file ?? env.map_input_file;
  const start = Number(env.mapreduce_map_input_start ?? env.map_input_start ?? 0);
  return { file, start: Number.isFinite(start) ? start : 0 };
}

export async function runMapTask(job: ResolvedJob, opts: TaskOptions): Promise<StreamingCounters> {
  if (job.input === 'json') {
    throw usageError(`job ${job.name} reads a JSON array (input: 'json'), which Hadoop cannot split by lines — convert it to JSONL (one value per line) and set input: 'jsonl'`);
  }
  const counters = new StreamingCounters();
  const split = hadoopSplit();
  const inputs = opts.inputs.length === 0 ? ['-'] : opts.inputs;
  const out = opts.out;
  let emitted = 0;
  let records = 0;
  const emit = (key: string, value: unknown): void => {
    checkKey(key);
    const line = encodePair(key, job.liftValue(key, value));
    try {
      out.write(line);
    } catch (err) {
      // A closed pipe or a full disk is no record's fault: it fails the task even if the map catches it.
      mapper.fatal = err;
      throw err;
    }
    emitted++;
  };
  const counter = (group: string, name: string, n = 1): void => counters.add(group, name, n);
  const ctx: MapContext = { file: '-', offset: 0, line: undefined, index: undefined, counter, taskId: process.env.mapreduce_task_id ?? 'map-0' };
  const mapper = new MapRecords(job.map, emit, ctx, new BadRecordPolicy(opts.badRecords, counter, (err) => warnSkipped(ctx, err)));
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  for (const input of inputs) {
    const file = split.file ?? (input === '-' ? '-' : input);
    const startOffset = input === '-' ? split.start : 0;
    const taskCtx: TaskContext = { taskId: ctx.taskId, kind: 'map', file, counter };
    await job.setup?.(taskCtx);
    ctx.file = file;
    // Overlong lines are bad records: skipped while the allowance lasts, else the task fails naming them.
    const onSkip = opts.badRecords > 0
      ? (l: { lineNumber: number | null; byteOffset: number }) => {
        ctx.offset = l.byteOffset;
        ctx.line = l.lineNumber ?? undefined;
        mapper.bad(overlongLine(maxLineBytes));
      }
      : undefined;
    const reader = new SyncLineReader(input, job.encoding, startOffset, { maxLineBytes: opts.maxLineBytes, onSkip });
    const jsonl = job.input === 'jsonl';
    failOnRecord(file, () => {
      let line: string | null;
      while ((line = reader.next()) !== null) {
        if (jsonl && line.trim() === '') continue;
        records++;
        ctx.offset = reader.offset;
        ctx.line = reader.lineNumber ?? undefined;
        if (jsonl) mapper.applyJsonl(line);
        else mapper.apply(line);
        if ((records & 0xffff) === 0) counters.tick();
      }
    });
    await job.teardown?.(taskCtx);
  }
  out.flush();
  counters.add(GROUP, 'mapInputRecords', records);
  counters.add(GROUP, 'mapOutputRecords', emitted);
  return counters;
}
