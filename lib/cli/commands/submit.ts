// `mrpipe submit --engine dask --scheduler tcp://HOST:PORT JOB INPUT... -o OUT`: the job on a Dask
// distributed cluster (submitJob), output identical to `mrpipe run JOB INPUT... -o OUT` with the same
// --reducers. Inputs and OUT live on a file system mounted at the same path on every node.
import type { Command } from 'commander';
import { EngineUnavailableError } from '../../dask/driver.ts';
import { submitJob, type SubmitOptions } from '../../dask/submit-job.ts';
import { formatCounters } from '../../runtime/counters.ts';
import { addJobFlags, jobSpecOf, type JobFlags } from '../job-spec.ts';
import { checkInputs, inputSpecs } from '../io.ts';
import { isGlob } from '../../../plumbing/open-input.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { failure, usageError } from '../errors.ts';

interface SubmitFlags extends JobFlags {
  engine?: string;
  scheduler?: string;
  schedulerFile?: string;
  output?: string;
  reducers?: string;
  splitSize?: string;
  memory?: string;
  overwrite?: boolean;
  badRecords?: string;
  maxLineBytes?: string;
  maxAttempts?: string;
  python?: string;
  taskCommand?: string;
  quiet?: boolean;
}

export function registerSubmit(program: Command): void {
  const cmd = program
    .command('submit')
    .description('run a job on a Dask distributed cluster (output as mrpipe run -o)')
    .argument('[JOB]', 'a job file (an absolute path every node can read) or a recipe name; omit with --map')
    .argument('[FILE...]', 'inputs (paths or globs) on a file system mounted at the same path on every node')
    .option('--engine <ENGINE>', 'the engine: dask', 'dask')
    .option('--scheduler <ADDRESS>', 'the Dask scheduler, tcp://HOST:PORT')
    .option('--scheduler-file <FILE>', 'or the scheduler file written by dask scheduler --scheduler-file')
    .option('-o, --output <DIR>', 'output directory on the shared file system (required)')
    .option('--reducers <N>', 'reduce tasks = output parts (default 1)')
    .option('--split-size <SIZE>', 'bytes per map task (default 128MB)')
    .option('-m, --memory <SIZE>', 'memory budget of each task (default 256MB)')
    .option('--overwrite', 'replace an existing output directory')
    .option('--bad-records <fail|N>', 'fail on the first bad record (default) or skip and count up to N')
    .option('--max-line-bytes <SIZE>', 'longest input line accepted (default 1MiB)')
    .option('--max-attempts <N>', 'tries per task before the job fails (default 3)')
    .option('--python <PATH>', 'the Python with Dask distributed (default: python3, then /usr/bin/python3; or MRPIPE_PYTHON)')
    .option('--task-command <CMD>', "how workers run mrpipe, split on spaces (default: this node and this mrpipe's bin/mrpipe.js)")
    .option('-q, --quiet', 'no counters at the end');
  addJobFlags(cmd).addHelpText('after', `
Every node needs Node >= 22, mrpipe at the same path (or --task-command), and the same version of Python's
distributed as the scheduler; inputs and -o on a shared file system. See docs/DISTRIBUTED.md.

Examples:
  dask scheduler --host 10.0.0.1 --port 8786 &   # and on each node: dask worker tcp://10.0.0.1:8786
  mrpipe submit --engine dask --scheduler tcp://10.0.0.1:8786 wordcount /shared/books/*.txt -o /shared/counts --reducers 4
  mrpipe submit --scheduler-file /shared/sched.json /shared/jobs/myjob.js /shared/in.jsonl -o /shared/out`)
    .action(async (jobArg: string | undefined, files: string[], flags: SubmitFlags) => {
      if (flags.map !== undefined && jobArg !== undefined) files = [jobArg, ...files];
      const spec = jobSpecOf(flags.map !== undefined ? undefined : jobArg, flags);
      if (flags.engine !== 'dask') throw usageError(`--engine: only dask is supported, got '${flags.engine}'`);
      if (!flags.scheduler && !flags.schedulerFile) throw usageError('give the scheduler: --scheduler tcp://HOST:PORT or --scheduler-file FILE');
      if (flags.output === undefined || flags.output === '-') throw usageError('-o DIR is required: submit writes an output directory on the shared file system');
      if (files.length === 0 || files.includes('-')) throw usageError('name input files on the shared file system (stdin cannot be shared with the workers)');
      await checkInputs(inputSpecs(files.filter((f) => !isGlob(f))));
      const params: Record<string, string> = {};
      for (const d of flags.define ?? []) params[d.slice(0, d.indexOf('='))] = d.slice(d.indexOf('=') + 1);
      const o: SubmitOptions = {
        engine: 'dask', scheduler: flags.scheduler, schedulerFile: flags.schedulerFile, inputs: files, output: flags.output,
        overwrite: flags.overwrite ?? false, params, python: flags.python, handleSignals: true, exitOnSignal: true,
      };
      if (flags.reducers !== undefined) o.reducers = parseCount(flags.reducers, '--reducers');
      if (flags.splitSize !== undefined) o.splitSize = parseSize(flags.splitSize, '--split-size');
      if (flags.memory !== undefined) o.memory = parseSize(flags.memory, '--memory');
      if (flags.maxLineBytes !== undefined) o.maxLineBytes = parseSize(flags.maxLineBytes, '--max-line-bytes');
      if (flags.maxAttempts !== undefined) o.maxAttempts = parseCount(flags.maxAttempts, '--max-attempts');
      if (flags.badRecords !== undefined) o.badRecords = flags.badRecords === 'fail' ? 'fail' : parseCount(flags.badRecords, '--bad-records', 0);
      if (flags.taskCommand !== undefined) o.taskCommand = flags.taskCommand.split(' ').filter((w) => w !== '');
      let result;
      try {
        result = await submitJob(spec, o);
      } catch (err) {
        if (err instanceof EngineUnavailableError || err instanceof RangeError) throw usageError((err as Error).message);
        throw failure((err as Error).message);
      }
      if (!flags.quiet) process.stderr.write(formatCounters(result.counters));
    });
}
