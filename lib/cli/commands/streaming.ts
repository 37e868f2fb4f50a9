// Hadoop Streaming mode: `mrpipe map JOB`, `mrpipe combine JOB`, `mrpipe reduce JOB` — the -mapper,
// -combiner and -reducer of a hadoop-streaming.jar job (or EMR, Dataproc, Spark RDD.pipe). Locally,
//   mrpipe map JOB < in | LC_ALL=C sort -t$'\t' -k1,1 -s | mrpipe reduce JOB   ==   mrpipe run JOB in
import fs from 'node:fs';
import type { Command } from 'commander';
import { addJobFlags, jobSpecOf, loadJobSpec, parseBadRecords, type JobFlags } from '../job-spec.ts';
import { parseSize } from '../sizes.ts';
import { checkInputs, checkStdout, inputSpecs } from '../io.ts';
import { runStreamingTask, runTaskInThread, type TaskKind, type ThreadTask } from '../streaming/task-thread.ts';
import { describeFsError, failure, usageError } from '../errors.ts';
import { isGzip } from '../../../plumbing/open-input.ts';
import { describeOutputError, OutputTarget } from '../../../plumbing/output-target.ts';
import { addRunTaskFlags, isRunTask, refuseRunTaskFlags, runTask, type RunTaskFlags } from './run-tasks.ts';

interface StreamingFlags extends JobFlags, RunTaskFlags {
  badRecords?: string;
  maxLineBytes?: string;
  output?: string;
}

const EXAMPLES: Record<string, string> = {
  map: `
Writes one key<TAB>value line per emitted pair: the key as is, except that its bytes 0x00-0x0D (TAB, LF
and CR among them) are written as a NUL byte then the byte + 0x10, so a byte-order sort of the lines still
orders the keys by their bytes; the value as JSON (no TAB at all for an undefined value). The input
file's name comes from Hadoop's mapreduce_map_input_file when set.

Examples:
  mrpipe map wordcount < in.txt | LC_ALL=C sort -t$'\\t' -k1,1 -s | mrpipe reduce wordcount
  mrpipe map ./job.js --bad-records 10 < part-00000
  mrpipe map --map '(l, emit) => emit(l.split(" ")[8], 1)' --reduce sum < access.log
  hadoop jar hadoop-streaming.jar -input in/ -output out/ \\
      -mapper 'mrpipe map wordcount' -combiner 'mrpipe combine wordcount' -reducer 'mrpipe reduce wordcount'`,
  combine: `
Reads sorted key<TAB>value lines and writes each key's values pre-aggregated, in the same format.

Example:
  mrpipe map wordcount < in.txt | LC_ALL=C sort -t$'\\t' -k1,1 -s | mrpipe combine wordcount | mrpipe reduce wordcount`,
  reduce: `
Reads key<TAB>value lines sorted by key (not grouped: it notices key changes itself) and writes the job's
output (tsv: key<TAB>value, or jsonl). Counters go to stderr as reporter:counter:GROUP,NAME,AMOUNT.

Examples:
  mrpipe map logs < access.log | LC_ALL=C sort -t$'\\t' -k1,1 -s | mrpipe reduce logs
  cat mapped-*.tsv | LC_ALL=C sort -t$'\\t' -k1,1 -s -S 1G | mrpipe reduce ./job.js -o result.tsv`,
};

function register(program: Command, name: TaskKind, summary: string): void {
  const cmd = program
    .command(name)
    .description(summary)
    .argument('[JOB]', 'a job file (.js/.ts, default export) or a recipe name; omit with --map')
    .argument('[FILE...]', 'plain-text inputs (default stdin; Hadoop always uses stdin); .gz is refused: zcat F.gz | mrpipe ' + name)
    .option('--bad-records <fail|N>', 'fail on the first bad record (default) or skip and count up to N')
    .option('--max-line-bytes <SIZE>', 'longest input line accepted (default 1MiB); longer ones are bad records')
    .option('-o, --output <FILE>', 'write to FILE instead of stdout');
  addRunTaskFlags(cmd, name);
  addJobFlags(cmd).addHelpText('after', EXAMPLES[name]).action(async (jobArg: string | undefined, files: string[], flags: StreamingFlags) => {
    if (flags.map !== undefined && jobArg !== undefined) files = [jobArg, ...files];
    const spec = jobSpecOf(flags.map !== undefined ? undefined : jobArg, flags);
    if (name !== 'combine' && isRunTask(flags)) return runTask(name, spec, await loadJobSpec(spec), files, flags);
    refuseRunTaskFlags(name, flags);
    const bad = parseBadRecords(flags.badRecords ?? 'fail');
    const badRecords = bad === 'fail' ? 0 : bad;
    const maxLineBytes = flags.maxLineBytes === undefined ? undefined : parseSize(flags.maxLineBytes, '--max-line-bytes');
    const gz = files.find(isGzip);
    if (gz !== undefined) throw usageError(`${gz}: the streaming commands read plain text (Hadoop decompresses for them) — use: zcat ${gz} | mrpipe ${name} …`);
    await checkInputs(inputSpecs(files));
    checkStdout(flags.output);
    await loadJobSpec(spec); // a job that cannot load fails here, before -o is created
    // -o by the rules of plumbing/output-target.ts (a symlink written through, a FIFO or device written directly).
    let target: OutputTarget | null = null;
    if (flags.output !== undefined && flags.output !== '-') {
      try { target = await OutputTarget.open(flags.output); } catch (err) { throw failure(`cannot write ${describeOutputError(err, flags.output)}`); }
    }
    const fd = target?.fd ?? 1;
    let open = target !== null;
    const t: ThreadTask = { kind: name, spec, inputs: files, fd, outName: flags.output ?? 'stdout', badRecords, maxLineBytes };
    try {
      // A temp file to remove on SIGINT/SIGTERM: the task runs on a thread, so the signal is acted on at once.
      if (target?.temp) await runTaskInThread(t);
      else await runStreamingTask(t);
      if (target !== null) {
        open = false;
        try { fs.closeSync(fd); target.commit(); } catch (err) { throw failure(`writing ${describeFsError(err, target.name)}`); }
      }
    } catch (err) {
      if (open) fs.closeSync(fd);
      target?.abort();
      throw err;
    }
  });
}

export function registerStreaming(program: Command): void {
  register(program, 'map', 'Hadoop Streaming mapper: input lines → key<TAB>value lines');
  register(program, 'combine', 'Hadoop Streaming combiner: sorted key<TAB>value lines → pre-aggregated lines');
  register(program, 'reduce', "Hadoop Streaming reducer: sorted key<TAB>value lines → the job's output");
}
