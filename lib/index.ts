/// <reference types="node" preserve="true" />
// mrpipe: jobs and the local runner, the dataset generator and the demo. Explicit names only: the runtime's
// parts (planner, workers, run files, loaders) are internal. Stream stages live in mrpipe/operators;
// ready-made jobs in mrpipe/recipes/<name>.

export { VERSION } from '../plumbing/version.ts';

// Jobs: define one, run it.
export { defineJob } from './job/define.ts';
export { runJob, startJob, JobRun } from './runtime/run-job.ts';
// Beyond one machine: the same job on a Dask distributed cluster.
export { submitJob, type SubmitOptions, type SubmitResult } from './dask/submit-job.ts';
export type {
  Job, JobSpec, InlineJob, MapFn, ReduceFn, CombineFn, BuiltinName, MapContext, ReduceContext, TaskContext,
  InputFormat, OutputFormat, RunOptions, BadRecordsPolicy, JobResult, JobProgress, TaskEvent, TaskState, Counters,
} from './job/types.ts';
export type { Emit } from '../operators/types.ts';
export { parseSize } from '../plumbing/sizes.ts';
// Operators and runJob never listen for signals: a program that wants its temp dirs removed on Ctrl-C opts in.
export { removeTempDirsOnSignals } from '../plumbing/tempdirs.ts';

// Test data and the demo.
export {
  generate, generateToFile, generateToStream, GenerateStream, GENERATOR_VERSION, KINDS, DEFAULT_SEED,
  type GenerateKind, type GenerateOptions, type GenerateProgress, type GenerateResult,
} from './generate/index.ts';
export { runDemo, type DemoOptions, type DemoReport } from './demo/index.ts';
