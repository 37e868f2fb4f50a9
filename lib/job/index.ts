// The job model: defineJob, the built-ins, loading a job by path, recipe name or inline code. The runners
// (lib/runtime) build on it; lib/index.ts adds runJob to the public entry.
export type * from './types.ts';
export { defineJob } from './define.ts';
export { builtins, builtin, isBuiltinName, type Aggregator } from '../../operators/shuffle/keyed/builtins.ts';
export { formatRecord } from './format.ts';
export { loadJob, loadRef, jobRefOf, resolveJob, jobFromInline, evalFunction, recipeUrl, type JobRef, type ResolvedJob } from './load.ts';
