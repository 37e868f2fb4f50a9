// Jobs and the local runner: defineJob, runJob, and what the CLI and Hadoop Streaming mode build on.
export type * from './types.ts';
export { defineJob } from './define.ts';
export { builtins, builtin, isBuiltinName, type Aggregator } from '../../operators/shuffle/builtins.ts';
export { formatRecord } from './format.ts';
export { loadJob, loadRef, jobRefOf, resolveJob, jobFromInline, evalFunction, recipeUrl, type JobRef, type ResolvedJob } from './load.ts';
export { runJob, startJob, JobRun } from '../runtime/run-job.ts';
export { compareKeys, partitionOf } from '../runtime/keys.ts';
export { formatCounters, sortedCounters } from '../runtime/counters.ts';
export { parseSize, DEFAULT_MEMORY, DEFAULT_THRESHOLD, MIN_MEMORY_PER_WORKER } from '../runtime/options.ts';
