// The word-count engine behind the job runtime. A job whose map is the built-in word split ('words') and
// whose reduce is the built-in 'sum' or 'count' computes exactly what `mrpipe wordcount` computes, so the
// runtime runs it on that engine (the shuffle operators' ParallelWordCounter: bytes hashed in place, no
// string per word, sorted binary runs, one byte merge) instead of map → collector → runs → reduce. What the
// runtime promises stays the runtime's: inputs (globs, stdin, .gz), the line limit and the bad-record
// policy, counters, progress, abort, and the part files (partitioned by partitionOf, each in key order),
// which run-job.ts commits as it commits any job's.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { LineTooLongError } from '../../operators/lines/line-too-long-error.ts';
import { ParallelWordCounter, counterMemoryFor } from '../../operators/shuffle/words/parallel-wordcounter.ts';
import { fnv1aBytes } from '../../operators/shuffle/keyed/hash.ts';
import type { WordCountCursor } from '../../operators/shuffle/words/wordrun.ts';
import type { ResolvedJob } from '../job/load.ts';
import type { Counters } from '../job/types.ts';
import { markDeterministic } from '../job/checks.ts';
import { BadRecordPolicy, overlongLine, recordMessage, RecordFailure } from '../job/records.ts';
import { addCounter, BUILTIN_GROUP } from './counters.ts';
import { PART_BUFFER_BYTES, PartBytes } from './part-bytes.ts';
import { partName } from './parts.ts';
import { explainLineLimit } from './line-limit.ts';
import { rawBlocks } from './input-chunks.ts';
import type { InputFile } from './inputs.ts';
import type { TaskEnv, TaskProgress } from './task-types.ts';

/**
 * The rule: the engine runs a job when its map is the built-in 'words', its reduce is the built-in 'sum' or
 * 'count' and its combine is absent or that same built-in; input 'lines', output 'tsv', latin1 (words are
 * bytes: the default for 'words'), no group, no setup/teardown. Any other job takes the general path.
 */
export function runsOnWordEngine(job: ResolvedJob, spec: { combine?: unknown; reduce?: unknown }): boolean {
  const reduce = spec.reduce;
  return job.builtinMap === 'words' && (reduce === 'sum' || reduce === 'count')
    && (spec.combine === undefined || spec.combine === reduce)
    && job.input === 'lines' && job.output === 'tsv' && job.encoding === 'latin1'
    && !job.group && !job.setup && !job.teardown;
}

/**
 * The run options the engine honours: all but those that shape the general runtime's tasks. A plan of map
 * tasks (mapTasks, splitSize), retries per task (maxAttempts) and the in-memory path (streaming false) are
 * the general runtime's; given one, the job runs there, which honours it, rather than have it ignored.
 */
export function wordEngineHonours(o: { mapTasks?: unknown; splitSize?: unknown; maxAttempts?: unknown; streaming?: unknown }): boolean {
  return o.mapTasks === undefined && o.splitSize === undefined && o.maxAttempts === undefined && o.streaming !== false;
}

export interface WordJobOptions {
  env: TaskEnv;
  /** The job's whole budget (the engine's threads share it). */
  memory: number;
  /** Threads that count: this one and workers - 1 helpers (started only past 4 MiB of input). */
  workers: number;
  /** Where the engine's private spill dir goes (the job's work dir). */
  tmpDir: string;
  /** The staging dir the part files are written into. */
  stage: string;
  signal: AbortSignal;
  onProgress: (p: TaskProgress) => void;
  /** Called when the input is counted and the merge and output begin. */
  onReduce: () => void;
}

const LF = 10;
const CR = 13;

/** The LF bytes of buf[s, e): SWAR over aligned 32-bit words (~0.5 ms per MiB), bytes at the edges. */
export function countLF(buf: Buffer, s: number, e: number): number {
  let c = 0;
  let i = s;
  while (i < e && ((buf.byteOffset + i) & 3) !== 0) if (buf[i++] === LF) c++;
  const n = (e - i) >> 2;
  if (n > 0) {
    const words = new Int32Array(buf.buffer, buf.byteOffset + i, n);
    for (let k = 0; k < n; k++) {
      const x = words[k] ^ 0x0a0a0a0a;
      // The high bit of each byte is set exactly where that byte of x is 0 (an LF in buf).
      const y = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      if (y === 0) continue;
      let v = y >>> 7;
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      c += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += n << 2;
  }
  for (; i < e; i++) if (buf[i] === LF) c++;
  return c;
}

/**
 * Feeds one input's lines to the counter, whole lines only, applying the line limit as the line splitter
 * does (a line's length leaves out its LF and a CR before it): an overlong line fails the job or, within
 * the bad-record allowance, is skipped and counted. The unfinished last line of a chunk waits in `pending`
 * until its LF comes, so a skipped line's bytes never reach the counter.
 */
class LineFeeder {
  /** Lines seen (skipped ones included: they number the lines) and lines counted. */
  lines = 0;
  records = 0;
  private bytes = 0;
  private pending = Buffer.allocUnsafe(4096);
  private pendingLength = 0;
  /** Absolute offset where the unfinished line starts. */
  private lineStart = 0;
  /** The unfinished line is overlong: its bytes are dropped up to its LF. */
  private skipping = false;
  private readonly counter: ParallelWordCounter;
  private readonly name: string;
  private readonly max: number;
  private readonly bad: BadRecordPolicy;

  constructor(counter: ParallelWordCounter, name: string, max: number, bad: BadRecordPolicy) {
    this.counter = counter;
    this.name = name;
    this.max = max;
    this.bad = bad;
  }

  write(chunk: Buffer): void {
    const n = chunk.length;
    const base = this.bytes;
    this.bytes += n;
    const first = chunk.indexOf(LF);
    if (first < 0) {
      this.hold(chunk, 0, n);
      return;
    }
    this.completeLine(chunk, first);
    const last = chunk.lastIndexOf(LF);
    if (last > first) {
      // The whole lines between: one write, unless one of them may be over the limit.
      if (last - first - 1 > this.max) this.lineByLine(chunk, first + 1, last, base);
      else {
        this.counter.write(chunk.subarray(first + 1, last + 1));
        const k = countLF(chunk, first + 1, last + 1);
        this.lines += k;
        this.records += k;
      }
    }
    this.lineStart = base + last + 1;
    this.hold(chunk, last + 1, n);
  }

  /** End of the input: its last line (no LF after it) is a line too, and ends with a separator. */
  end(): void {
    if (this.skipping) this.skipping = false;
    else if (this.pendingLength > 0) {
      this.append(Buffer.of(LF), 0, 1);
      // No LF ended it in the input, so a CR at its end is part of the line, as the line splitter counts it.
      this.finish(this.pendingLength - 1, this.pending, this.pendingLength, false);
    }
    this.pendingLength = 0;
  }

  /** The unfinished line ends at chunk[first] (its LF). */
  private completeLine(chunk: Buffer, first: number): void {
    if (this.skipping) {
      this.skipping = false;
      this.lines++;
      return;
    }
    if (this.pendingLength === 0) {
      this.finish(first, chunk, first + 1);
      return;
    }
    this.append(chunk, 0, first + 1);
    this.finish(this.pendingLength - 1, this.pending, this.pendingLength);
    this.pendingLength = 0;
  }

  /** One line of `len` bytes before its LF, buf[0, end) (LF included): counted, or refused as overlong.
   * A CR before the LF is not part of the line (`endsWithLF`), except on a last line that had no LF. */
  private finish(len: number, buf: Buffer, end: number, endsWithLF = true): void {
    if (endsWithLF && len > 0 && buf[len - 1] === CR) len--;
    if (len > this.max) this.overlong(this.lineStart);
    else {
      this.counter.write(buf.subarray(0, end));
      this.records++;
    }
    this.lines++;
  }

  /** Keeps chunk[s, e), the start of the unfinished line, unless it is already longer than the limit. */
  private hold(chunk: Buffer, s: number, e: number): void {
    if (this.skipping || s === e) return;
    // +1: the byte after the limit may be the CR of a CRLF, which is not part of the line.
    if (this.pendingLength + (e - s) > this.max + 1) {
      this.pendingLength = 0;
      this.overlong(this.lineStart);
      this.skipping = true;
      return;
    }
    this.append(chunk, s, e);
  }

  /** Lines chunk[s, last] one at a time (the slow path, when one of them may be overlong). */
  private lineByLine(chunk: Buffer, s: number, last: number, base: number): void {
    for (let i = s; i <= last;) {
      const nl = chunk.indexOf(LF, i);
      this.lineStart = base + i;
      this.finish(nl - i, chunk.subarray(i), nl + 1 - i);
      i = nl + 1;
    }
  }

  /** A line over the limit: the job fails, or it is skipped within the bad-record allowance (the line
   * splitter's error, and the map task's message past the allowance). */
  private overlong(at: number): void {
    const line = this.lines + 1;
    const bad = this.bad;
    if (bad.limit === 0) throw new LineTooLongError(this.name, line, at, this.max);
    bad.skip(overlongLine(this.max), at, line);
  }

  private append(src: Buffer, s: number, e: number): void {
    const need = this.pendingLength + (e - s);
    if (need > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.pending.length));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    this.pendingLength += src.copy(this.pending, this.pendingLength, s, e);
  }
}


/** Writes the part files from the engine's cursor: word<TAB>count lines, each word to partitionOf's part
 * (FNV-1a of its bytes mod P), so every part is in byte order of the word. Returns the lines written. */
function writeParts(cursor: WordCountCursor, stage: string, partitions: number, onRecords: (n: number) => void): number {
  const parts = Array.from({ length: partitions }, (_, p) => new PartBytes(join(stage, partName(p))));
  let n = 0;
  try {
    while (cursor.advance()) {
      const src = cursor.buf;
      const s = cursor.start;
      const e = cursor.end;
      const p = partitions > 1 ? fnv1aBytes(src, s, e) % partitions : 0;
      parts[p].line(src, s, e, cursor.count);
      if ((++n & 0xffff) === 0) onRecords(n);
    }
    for (const part of parts) part.close();
  } finally {
    for (const part of parts) part.closeFd();
  }
  return n;
}

/** The counter's memory: its rule (counterMemoryFor) over the job's inputs, as the CLI's wordcount reads it: every
 * input here is a regular file (stdin is spooled to one, a FIFO is refused), so only .gz is of unknown size. */
function counterMemory(files: readonly InputFile[], budget: number): number {
  const unknown = files.some((f) => f.gz);
  return counterMemoryFor(unknown ? undefined : files.reduce((sum, f) => sum + f.size, 0), budget);
}

/**
 * Runs a word-count job (runsOnWordEngine) over its inputs into the staging dir's part files; resolves to
 * its counters (the streaming path's names: map records in/out, spills, merge passes, groups, output).
 */
export async function runWordJob(files: readonly InputFile[], o: WordJobOptions): Promise<Counters> {
  const { env, signal } = o;
  const P = env.partitions;
  const counter = new ParallelWordCounter({
    memory: counterMemory(files, Math.max(1 << 20, o.memory - P * PART_BUFFER_BYTES)), tmpDir: o.tmpDir, helpers: o.workers - 1,
  });
  const bad = new BadRecordPolicy(env.badRecords);
  const progress: TaskProgress = { id: 'map-0', bytesRead: 0, recordsIn: 0, recordsOut: 0, spills: 0 };
  let records = 0;
  let current: InputFile | undefined;
  try {
    for (const file of files) {
      current = file;
      const feeder = new LineFeeder(counter, file.name, env.maxLineBytes, bad);
      // Each chunk is consumed before the next read: a plain file's chunks share one buffer.
      for await (const chunk of rawBlocks(file.path, file.gz, env.chunkSize, true)) {
        if (signal.aborted) throw signal.reason;
        feeder.write(chunk);
        progress.bytesRead += chunk.length;
        progress.recordsIn = records + feeder.records;
        o.onProgress({ ...progress });
      }
      feeder.end();
      records += feeder.records;
      const now = statSync(file.path);
      if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
        throw new Error(`${file.name} changed while the job read it (size ${file.size} -> ${now.size} bytes): `
          + 'its output would mix two versions. Run the job on a file that is not being written (copy it first).');
      }
    }
    current = undefined;
    progress.recordsIn = records;
    o.onProgress({ ...progress });
    o.onReduce();
    const cursor = await counter.finish();
    const reduce: TaskProgress = { id: 'reduce-0', bytesRead: 0, recordsIn: 0, recordsOut: 0, spills: 0 };
    const distinct = writeParts(cursor, o.stage, P, (n) => { reduce.recordsOut = n; o.onProgress({ ...reduce }); });
    if (signal.aborted) throw signal.reason;
    reduce.recordsOut = distinct;
    o.onProgress({ ...reduce });
    const { words, spills, mergePasses } = counter.stats;
    const c: Counters = {};
    const add = (name: string, n: number) => addCounter(c, BUILTIN_GROUP, name, n);
    add('bytesRead', progress.bytesRead);
    add('mapInputRecords', records);
    add('mapOutputRecords', words);
    add('spilledRuns', spills);
    add('spills', spills);
    if (bad.seen > 0) add('badRecords', bad.seen);
    add('mergePasses', mergePasses);
    add('reduceInputGroups', distinct);
    add('reduceInputRecords', distinct);
    add('outputRecords', distinct);
    return c;
  } catch (err) {
    // Said as a map task's failure is (the scheduler's suffix), the line limit explained as for any task.
    const e = await explainLineLimit(err, env);
    if (current === undefined || signal.aborted) throw e;
    const suffix = ` [task map-0 reads bytes 0-EOF of ${current.name}]`;
    if (e instanceof RecordFailure) throw markDeterministic(new Error(recordMessage(e, current.name, undefined, suffix), { cause: e.error }));
    if (!(e instanceof Error)) throw e;
    throw markDeterministic(new Error(`${e.message}${suffix}`, { cause: e }));
  } finally {
    counter.dispose();
  }
}
