// `mrpipe map JOB`: input lines → the job's map → `key<TAB>JSON value` lines (see protocol.ts).
// The input file name comes from Hadoop's environment (mapreduce_map_input_file) when it is set, so jobs
// that look at ctx.file (join, invertedindex) work under Hadoop as they do locally.
import type { ResolvedJob } from '../../job/load.ts';
import { checkKey, checkMapResult } from '../../job/checks.ts';
import type { MapContext, TaskContext } from '../../job/types.ts';
import { BrokenPipe, CliError, usageError } from '../errors.ts';
import { StreamingCounters, GROUP } from './counters.ts';
import { encodePair } from './protocol.ts';
import { BadRecords } from './records.ts';
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
  const bad = new BadRecords(opts.badRecords, counters);
  const split = hadoopSplit();
  const inputs = opts.inputs.length === 0 ? ['-'] : opts.inputs;
  const out = opts.out;
  let emitted = 0;
  let records = 0;
  const emit = (key: string, value: unknown): void => {
    checkKey(key);
    out.write(encodePair(key, job.liftValue(key, value)));
    emitted++;
  };
  const counter = (group: string, name: string, n = 1): void => counters.add(group, name, n);
  for (const input of inputs) {
    const file = split.file ?? (input === '-' ? '-' : input);
    const startOffset = input === '-' ? split.start : 0;
    const taskCtx: TaskContext = { taskId: process.env.mapreduce_task_id ?? 'map-0', kind: 'map', file, counter };
    await job.setup?.(taskCtx);
    // Overlong lines are bad records: skipped while the allowance lasts, else the task fails naming them.
    const onSkip = opts.badRecords > 0
      ? (l: { lineNumber: number | null; byteOffset: number }) => bad.handle('reading', { file, line: l.lineNumber, offset: l.byteOffset }, new Error('line longer than --max-line-bytes'))
      : undefined;
    const reader = new SyncLineReader(input, job.encoding, startOffset, { maxLineBytes: opts.maxLineBytes, onSkip });
    const ctx: MapContext = { file, offset: 0, line: undefined, index: undefined, counter, taskId: taskCtx.taskId };
    const jsonl = job.input === 'jsonl';
    let line: string | null;
    while ((line = reader.next()) !== null) {
      if (jsonl && line.trim() === '') continue;
      records++;
      ctx.offset = reader.offset;
      ctx.line = reader.lineNumber ?? undefined;
      try {
        checkMapResult(job.map(jsonl ? JSON.parse(line) : line, emit, ctx));
      } catch (err) {
        // Output problems (a closed pipe, a full disk) are not the record's fault.
        if (err instanceof BrokenPipe || err instanceof CliError) throw err;
        bad.handle(jsonl && err instanceof SyntaxError ? 'parsing JSONL' : 'map', { file, line: reader.lineNumber, offset: reader.offset }, err);
      }
      if ((records & 0xffff) === 0) counters.tick();
    }
    await job.teardown?.(taskCtx);
  }
  out.flush();
  counters.add(GROUP, 'mapInputRecords', records);
  counters.add(GROUP, 'mapOutputRecords', emitted);
  return counters;
}
