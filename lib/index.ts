// mrpipe runtime: jobs and the local runner, the dataset generator and the demo.
// Stream stages live in mrpipe/operators; ready-made jobs in mrpipe/recipes/<name>.
export { VERSION } from '../plumbing/version.ts';
export * from './job/index.ts';
export { submitJob, type SubmitOptions, type SubmitResult } from './dask/submit-job.ts';
export { runJob, startJob, JobRun } from './runtime/run-job.ts';
export { compareKeys, partitionOf } from './runtime/keys.ts';
export { formatCounters, sortedCounters } from './runtime/counters.ts';
export { DEFAULT_THRESHOLD, MIN_MEMORY_PER_WORKER } from './runtime/options.ts';
export { parseSize, DEFAULT_MEMORY } from '../plumbing/sizes.ts';
export { removeTempDirsOnSignals } from '../plumbing/tempdirs.ts';
export {
  generate, generateToFile, generateToStream, GenerateStream, GENERATOR_VERSION, KINDS, DEFAULT_SEED,
  type GenerateKind, type GenerateOptions, type GenerateProgress, type GenerateResult,
} from './generate/index.ts';
export { runDemo, type DemoOptions, type DemoReport } from './demo/index.ts';
