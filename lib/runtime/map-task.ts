// A map task: whole-line chunks of its byte range -> records -> the user's map (a plain loop, one call per
// record, emit straight into the collector) -> sorted runs per partition. No stream stage per record.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ResolvedJob } from '../job/load.ts';
import type { Counters, MapContext } from '../job/types.ts';
import { checkKey, markDeterministic } from '../job/checks.ts';
import { BadRecordPolicy, MapRecords, overlongLine, recordMessage, RecordFailure } from '../job/records.ts';
import { BuiltinError } from '../../operators/shuffle/keyed/builtins.ts';
import { recordCap, taskBudget } from './budget.ts';
import { Collector } from './collector.ts';
import { mergeInto, RunIndexer } from './runs.ts';
import { addCounter, BUILTIN_GROUP } from './counters.ts';
import { fileChunks } from '../../operators/lines/file-chunks.ts';
import { LineSplitter } from '../../operators/lines/line-splitter.ts';
import { lineNumberAt, rawBlocks } from './input-chunks.ts';
import type { MapTaskResult, MapTaskSpec, TaskEnv, TaskProgress } from './task-types.ts';

/** A system error (ENOSPC, EFBIG, EMFILE, EIO…) from Node's I/O, or the shuffle's DiskFullError (code
 * ENOSPC): never the record's fault. (Node's own usage errors are ERR_*, not errno names.) */
function isIoError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as NodeJS.ErrnoException;
  return typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code));
}

function rangeText(spec: MapTaskSpec): string {
  return `reads bytes ${spec.start}-${spec.end === Infinity ? 'EOF' : spec.end}`;
}

function tooBig(key: string, value: unknown, maxChars: number): RangeError {
  // A key that long is not quoted: taking a slice of it would copy (flatten) the whole string first.
  const what = key.length > maxChars
    ? `a key of ${key.length} chars`
    : `a value of ${(value as string).length} chars for key ${JSON.stringify(key.slice(0, 40))}${key.length > 40 ? '…' : ''}`;
  return new RangeError(`emit: ${what} is more than the ${maxChars} a task can hold in its share of the memory budget; `
    + 'raise memory or lower workers');
}

/** Where emitted pairs go: the spilling collector, or the in-memory path's maps. */
export interface MapSink {
  add(key: string, value: unknown): void;
}

export async function runMapTask(
  job: ResolvedJob, spec: MapTaskSpec, env: TaskEnv, onProgress?: (p: TaskProgress) => void, sink?: MapSink,
): Promise<MapTaskResult> {
  if (!sink) mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
  const counters: Counters = {};
  const counter = (group: string, name: string, n = 1) => addCounter(counters, group, name, n);
  const progress: TaskProgress = { id: spec.id, bytesRead: 0, recordsIn: 0, recordsOut: 0, spills: 0 };
  const budget = taskBudget(env.budget, env.fanIn);
  const collector = new Collector({
    partitions: env.partitions,
    budget: budget.collector,
    dir: spec.dir,
    agg: job.agg ?? job.combineAgg,
    combine: job.combineAgg ? undefined : job.combine,
    group: job.group,
    encoding: job.encoding,
    writeBuffer: budget.writeBuffer,
    onSpill: () => { progress.spills++; },
  });
  const target: MapSink = sink ?? collector;
  let out = 0;
  const maxChars = recordCap(env.budget);
  const emit = (key: string, value?: unknown): void => {
    checkKey(key);
    // A key or string value bigger than the task's heap can copy would abort V8 (budget.ts, recordCap).
    if (key.length > maxChars || (typeof value === 'string' && value.length > maxChars)) throw tooBig(key, value, maxChars);
    if (mapper.fatal) throw mapper.fatal;
    out++;
    try {
      target.add(key, value);
    } catch (err) {
      // An I/O error from spilling (disk full…) or an overflowing built-in sum: no one record's fault, so
      // it is kept where neither --bad-records nor a map that catches what emit throws can swallow it.
      if (isIoError(err) || (err instanceof BuiltinError && err.overflow)) mapper.fatal = err;
      throw err;
    }
  };
  const ctx: MapContext = { file: spec.name, offset: undefined, line: undefined, index: undefined, counter, taskId: spec.id };
  const mapper = new MapRecords(job.map, emit, ctx, new BadRecordPolicy(env.badRecords, counter));
  const limit = mapper.policy.limit;
  const report = () => { progress.recordsOut = out; onProgress?.({ ...progress }); };

  const tctx = { taskId: spec.id, kind: 'map' as const, file: spec.name, counter };
  let spilledRuns = 0;
  await job.setup?.(tctx);
  try {
    if (job.input === 'json') {
      await readJsonArray(spec, env, ctx, (r) => mapper.apply(r), progress, report);
    } else {
      const jsonl = job.input === 'jsonl';
      const lineKnown = spec.start === 0;
      let records = 0;
      const onLine = (text: string, offset: number, index: number): void => {
        ctx.offset = offset;
        if (lineKnown) ctx.line = index + 1;
        records++;
        if (!jsonl) mapper.apply(text);
        else if (text.trim() !== '') mapper.applyJsonl(text);
      };
      let splitter: LineSplitter | undefined;
      // A counting collector keeps no strings, so lines may be slices of a decoded piece of input (about 2×
      // faster to make); anywhere a key could be held (other collectors, the in-memory path) each line is
      // its own string, since a held slice would pin its whole piece.
      const strings = collector.sumsCounts && !sink ? 'slice' : 'copy';
      const splitterAt = (startOffset: number) => new LineSplitter({
        encoding: job.encoding, maxLineBytes: env.maxLineBytes, source: spec.name, startOffset, strings,
        onOverlong: limit > 0 ? 'skip' : 'error',
        onSkip: (l) => {
          ctx.offset = l.byteOffset;
          ctx.line = l.lineNumber ?? undefined;
          mapper.bad(overlongLine(env.maxLineBytes));
        },
      });
      for await (const chunk of taskChunks(spec, env, (off) => { splitter = splitterAt(off); })) {
        splitter ??= splitterAt(0);
        splitter.write(chunk, onLine);
        progress.recordsIn = records;
        progress.bytesRead += chunk.length;
        report();
      }
      splitter?.end(onLine);
      progress.recordsIn = records;
    }
    const now = statSync(spec.path);
    if (now.size !== spec.size || now.mtimeMs !== spec.mtimeMs) {
      throw new Error(`${spec.name} changed while the job read it (size ${spec.size} -> ${now.size} bytes): `
        + 'its output would mix two versions. Run the job on a file that is not being written (copy it first).');
    }
    if (!sink) {
      collector.spill();
      spilledRuns = collector.runs.reduce((a, r) => a + r.length, 0);
      mergeSpills(collector, spec.dir, env.fanIn, env.runsPerTask, budget.readBuffer, counter);
      collector.release();
    }
  } catch (err) {
    if (!(err instanceof RecordFailure)) throw err;
    const line = err.line ?? (err.offset !== undefined ? await lineNumberAt(spec.path, spec.gz, err.offset) : undefined);
    throw markDeterministic(new Error(recordMessage(err, spec.name, line, ` [task ${spec.id} ${rangeText(spec)} of ${spec.name}]`), { cause: err.error }));
  } finally {
    await job.teardown?.(tctx);
  }
  report();
  addCounter(counters, BUILTIN_GROUP, 'mapInputRecords', progress.recordsIn);
  addCounter(counters, BUILTIN_GROUP, 'mapOutputRecords', out);
  addCounter(counters, BUILTIN_GROUP, 'spilledRuns', spilledRuns);
  addCounter(counters, BUILTIN_GROUP, 'spills', collector.spills);
  addCounter(counters, BUILTIN_GROUP, 'bytesRead', progress.bytesRead);
  return { id: spec.id, runs: collector.runs, index: collector.indexes, counters, bytesRead: progress.bytesRead };
}

/**
 * A task's spills of each partition merged down to `maxRuns` runs (sum/count jobs add up equal keys on the
 * way): the consecutive spills of least bytes, as many as it takes, become one run in their place (spill
 * order is kept: the merge is stable, and equal keys reach a reducer in emit order). The reduce then merges
 * every task's runs in one pass, and the merging done here runs in parallel across the map tasks. Counted
 * in mergePasses (with any intermediate pass the planner needed).
 */
function mergeSpills(collector: Collector, dir: string, fanIn: number, maxRuns: number, bufferSize: number, counter: (g: string, n: string, k?: number) => void): void {
  const scratch = join(dir, 'merge');
  for (let p = 0; p < collector.runs.length; p++) {
    const names = collector.runs[p];
    const indexes = collector.indexes[p];
    if (names.length <= maxRuns) continue;
    const k = names.length - maxRuns + 1;
    let from = 0;
    let least = Infinity;
    for (let i = 0; i + k <= names.length; i++) {
      let bytes = 0;
      for (let j = i; j < i + k; j++) bytes += indexes[j].bytes;
      if (bytes < least) { least = bytes; from = i; }
    }
    mkdirSync(scratch, { recursive: true, mode: 0o700 });
    const name = `m-p${p}.run`;
    const group = names.slice(from, from + k);
    let passes = 1;
    const index = new RunIndexer();
    try {
      const merged = mergeInto(group.map((n) => join(dir, n)), join(dir, name), { fanIn, bufferSize, scratchDir: scratch, onPass: () => { passes++; } }, collector.sumsCounts, index);
      indexes.splice(from, k, index.indexOf(merged));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    for (const n of group) rmSync(join(dir, n), { force: true });
    names.splice(from, k, name);
    counter(BUILTIN_GROUP, 'mergePasses', passes);
  }
}

/** Whole-line chunks of the task's input: its byte range of a plain file (the LineRecordReader rule, in
 * fileChunks), or all of a .gz file through zlib. onStart gets the offset of the first line delivered. */
async function* taskChunks(spec: MapTaskSpec, env: TaskEnv, onStart: (offset: number) => void): AsyncGenerator<Buffer> {
  if (spec.gz) {
    onStart(0);
    yield* rawBlocks(spec.path, true, env.chunkSize);
    return;
  }
  const fh = await open(spec.path, 'r');
  try {
    // Two alternating buffers are safe here: each chunk is consumed synchronously before the next read.
    yield* fileChunks(fh.fd, { start: spec.start, end: spec.end, chunkSize: env.chunkSize, reuse: env.chunkSize <= 1 << 24, onStart });
  } finally {
    await fh.close();
  }
}

/** stream-json parses a chunk whole, making every token and value of it before the first is taken: fed 256 KiB
 * chunks, a worker's heap outside the young generation peaked at 15.5-16.3 MiB on 100 k small records (5-6 MiB
 * of it large objects) against a 16 MiB cap at --memory 16MB, and sometimes ran out; fed 16 KiB, 12.4 MiB. So a JSON array is read 16 KiB at a time. */
const JSON_SLICE = 16 * 1024;

/** A top-level JSON array of any size, element by element through stream-json. */
async function readJsonArray(
  spec: MapTaskSpec, env: TaskEnv, ctx: MapContext, call: (r: unknown) => void,
  progress: TaskProgress, report: () => void,
): Promise<void> {
  let bytes = 0;
  const source = Readable.from((async function* () {
    for await (const b of rawBlocks(spec.path, spec.gz, Math.min(env.chunkSize, JSON_SLICE))) { bytes += b.length; yield b; }
  })());
  // stream-json loads only for json input.
  const { default: streamArray } = await import('stream-json/streamers/stream-array.js');
  const parser = streamArray.withParserAsStream();
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let i = 0;
  try {
    for await (const item of parser as AsyncIterable<{ key: number; value: unknown }>) {
      ctx.index = i++;
      call(item.value);
      progress.recordsIn = i;
      if (i % 4096 === 0) { progress.bytesRead = bytes; report(); }
    }
  } catch (err) {
    if (err instanceof RecordFailure) throw err;
    throw new Error(`${spec.name}: not a JSON array of records (${(err as Error).message}) near byte ${bytes}; json input needs one top-level array — use input: 'jsonl' for one value per line`, { cause: err });
  } finally {
    source.destroy();
  }
  progress.bytesRead = bytes;
}
