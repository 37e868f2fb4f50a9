// `mrpipe run JOB [FILE...] [-o OUT]`: a job (file, recipe name, or inline --map/--reduce code) through
// the local runner. Without -o the output comes out on stdout in key order; with -o OUT it is a
// Hadoop-shaped directory (part-00000…, _SUCCESS, _COUNTERS.json). Every runJob option is a flag.
import type { Command } from 'commander';
import { isGlob } from '../../../plumbing/open-input.ts';
import { runJob } from '../../runtime/run-job.ts';
import { formatCounters } from '../../runtime/counters.ts';
import type { JobProgress, RunOptions } from '../../job/types.ts';
import { addJobFlags, jobSpecOf, parseBadRecords, type JobFlags } from '../job-spec.ts';
import { checkInputs, checkOutputParent, checkStdout, checkTmpDir, inputSpecs } from '../io.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { BrokenPipe, CliError, failure, isEpipe, usageError } from '../errors.ts';
import { progress, type Progress } from '../progress.ts';

interface RunFlags extends JobFlags {
  output?: string;
  mapTasks?: string;
  splitSize?: string;
  reducers?: string;
  workers?: string;
  memory?: string;
  tmpDir?: string;
  chunkSize?: string;
  streaming?: string;
  threshold?: string;
  resume?: boolean;
  overwrite?: boolean;
  force?: boolean;
  maxAttempts?: string;
  badRecords?: string;
  maxLineBytes?: string;
  counters?: boolean;
  quiet?: boolean;
}

/** The job's phases on the progress line: map over the input bytes (total unknown on stdin), then reduce
 * (it merges the sorted runs as it goes) counting the records out, then commit. */
function progressOfJob(bar: Progress): (p: JobProgress) => void {
  let phase = '';
  return (p) => {
    if (p.phase !== phase) {
      phase = p.phase;
      if (phase === 'map') bar.phase('map', 'bytes', p.bytesTotal);
      else if (phase === 'reduce') bar.phase('merge + reduce', 'records');
      else if (phase !== 'done') bar.phase(phase);
    }
    if (phase === 'map') bar.update(p.bytesRead, p.bytesTotal);
    else if (phase === 'reduce') bar.update(p.recordsOut);
  };
}

/** A flag this run cannot honour is a usage error naming it, never silently ignored. */
function checkHonoured(flags: RunFlags): void {
  if (flags.map === undefined) {
    for (const [value, flag, what] of [[flags.inputFormat, '--input-format', 'input'], [flags.outputFormat, '--output-format', 'output']] as const) {
      if (value !== undefined) throw usageError(`${flag} applies to an inline job (--map); a job file or recipe sets its own ${what} format`);
    }
  }
  if (flags.counters && flags.quiet) throw usageError('--counters and -q contradict each other: -q prints no counters');
  if (flags.output === undefined) {
    if (flags.resume) throw usageError('--resume needs -o OUT (it reuses the map tasks of a killed run into OUT)');
    if (flags.overwrite) throw usageError('--overwrite needs -o OUT (output on stdout replaces nothing)');
    if (flags.reducers !== undefined && parseCount(flags.reducers, '--reducers') > 1) {
      throw usageError('--reducers above 1 needs -o OUT: output on stdout is one key-ordered part');
    }
  }
}

/** Flags → RunOptions, each checked with a message naming the flag (usage errors, exit 2). */
export function runOptionsOf(files: string[], flags: RunFlags): RunOptions {
  checkHonoured(flags);
  const o: RunOptions = { inputs: files.length === 0 ? ['-'] : files, output: flags.output ?? '-' };
  if (flags.mapTasks !== undefined) o.mapTasks = parseCount(flags.mapTasks, '--map-tasks');
  if (flags.splitSize !== undefined) o.splitSize = parseSize(flags.splitSize, '--split-size');
  if (flags.reducers !== undefined) o.reducers = parseCount(flags.reducers, '--reducers');
  if (flags.workers !== undefined) o.workers = parseCount(flags.workers, '--workers');
  if (flags.memory !== undefined) o.memory = parseSize(flags.memory, '--memory');
  if (flags.tmpDir !== undefined) o.tmpDir = flags.tmpDir;
  if (flags.chunkSize !== undefined) o.chunkSize = parseSize(flags.chunkSize, '--chunk-size');
  if (flags.threshold !== undefined) o.threshold = parseSize(flags.threshold, '--threshold');
  if (flags.streaming !== undefined) {
    const v = flags.streaming.toLowerCase();
    if (v === 'auto') o.streaming = 'auto';
    else if (['on', 'true', 'yes', '1'].includes(v)) o.streaming = true;
    else if (['off', 'false', 'no', '0'].includes(v)) o.streaming = false;
    else throw usageError(`--streaming must be auto, on or off; got '${flags.streaming}'`);
  }
  if (flags.resume) o.resume = true;
  if (flags.force && !flags.overwrite) throw usageError('--force goes with --overwrite (it lets --overwrite replace any directory)');
  if (flags.overwrite) o.overwrite = flags.force ? 'force' : true;
  if (flags.maxAttempts !== undefined) o.maxAttempts = parseCount(flags.maxAttempts, '--max-attempts');
  if (flags.badRecords !== undefined) o.badRecords = parseBadRecords(flags.badRecords);
  if (flags.maxLineBytes !== undefined) o.maxLineBytes = parseSize(flags.maxLineBytes, '--max-line-bytes');
  return o;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a job (file, recipe name, or inline --map) over files or stdin')
    .argument('[JOB]', 'a job module (.js/.ts, default export) or a recipe name (mrpipe recipes); omit with --map')
    .argument('[FILE...]', "inputs (paths or globs, .gz read through zlib); stdin when none or '-'")
    .option('-o, --output <DIR>', 'write OUT/part-00000…, _SUCCESS and _COUNTERS.json (default: stdout, in key order)')
    .option('--map-tasks <N>', 'number of map tasks (default: split by size)')
    .option('--split-size <SIZE>', 'bytes per split for files over the threshold (default 128MB)')
    .option('--reducers <N>', 'reduce tasks = output parts (default: cores; 1 on stdout, more need -o)')
    .option('--workers <N>', 'worker threads (default: cores)')
    .option('-m, --memory <SIZE>', 'one memory budget for the whole job (default 256MB)')
    .option('-T, --tmp-dir <DIR>', 'where spills and the job temp dir go (default: the system temp dir)')
    .option('--chunk-size <SIZE>', 'bytes read per input chunk (default 256KiB)')
    .option('--streaming <MODE>', 'auto (default: in-memory only when the input surely fits --memory), on, or off (in-memory)')
    .option('--threshold <SIZE>', "the most input 'auto' runs in memory; files above it are cut by --split-size (default 100MB)")
    .option('--resume', 'reuse the committed map tasks of a killed run into the same -o directory')
    .option('--overwrite', 'replace an earlier mrpipe output in -o DIR (one with _SUCCESS, holding no input nor the working dir)')
    .option('--force', 'with --overwrite: replace DIR even if it is not an earlier mrpipe output')
    .option('--max-attempts <N>', 'tries per task before the job fails (default 3)')
    .option('--bad-records <fail|N>', 'fail on the first bad record (default) or skip and count up to N')
    .option('--max-line-bytes <SIZE>', 'longest input line accepted (default 1MiB); longer ones are bad records')
    .option('--counters', 'print the counters on stderr at the end (default with -o)')
    .option('-q, --quiet', 'no counters, no progress bar');
  addJobFlags(cmd).addHelpText('after', `
JOB is a path to a job module or a recipe name; with --map the job is inline and every argument is an
input. Inline code is checked before any input is read and runs in the worker threads too.

Examples:
  mrpipe run wordcount books/*.txt -o counts/
  cat access.log | mrpipe run logs
  mrpipe run ./myjob.ts 'data/*.jsonl.gz' -o out/ --reducers 4 --memory 1GB --workers 2
  mrpipe run --map '(l, emit) => emit(l.split(" ")[8], 1)' --reduce sum access.log
  mrpipe run top -D MRPIPE_TOP=20 words.txt
  mrpipe run ./job.js big.txt -o out/ --resume        # after a crash: reuses committed map tasks`)
    .action(async (jobArg: string | undefined, files: string[], flags: RunFlags) => {
      if (flags.map !== undefined && jobArg !== undefined) files = [jobArg, ...files];
      const spec = jobSpecOf(flags.map !== undefined ? undefined : jobArg, flags);
      const options = runOptionsOf(files, flags);
      // The command is the whole process: SIGINT/SIGTERM stop the job, clean up, and end it by the signal.
      options.handleSignals = true;
      options.exitOnSignal = true;
      // Named files must exist (globs are expanded by the runner).
      await checkInputs(inputSpecs(files.filter((f) => !isGlob(f))));
      if (flags.output === undefined || flags.output === '-') checkStdout(undefined);
      await checkTmpDir(flags.tmpDir, '--tmp-dir', true);
      if (flags.output !== undefined && flags.output !== '-') await checkOutputParent(flags.output, '-o');
      const bar = progress(options.output === '-' ? 'run' : `run → ${options.output}`, 'plan', 'none', 0, { enabled: !flags.quiet });
      options.onProgress = progressOfJob(bar);
      let result;
      try {
        result = await runJob(spec, options);
      } catch (err) {
        if (isEpipe(err)) throw new BrokenPipe();
        if (err instanceof CliError) throw err;
        const e = err as Error;
        if (e instanceof RangeError) throw usageError(e.message);
        throw failure(e.message); // in API words: main.ts puts them in flag words
      } finally {
        bar.stop();
      }
      if (!flags.quiet && (flags.counters || options.output !== '-')) {
        process.stderr.write(formatCounters(result.counters));
      }
    });
}
