// Loading and resolving jobs. A job reaches a worker thread as a JobRef (a module URL or inline source
// strings), never as a closure; every worker loads it itself. resolveJob() turns built-in names into
// functions and checks the job before any input is read.
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  builtin, builtinMap, builtinMapNameOf, isBuiltinMapName, looksLikeName, mergePartials, type Aggregator, type BuiltinMapName,
} from '../../operators/shuffle/keyed/builtins.ts';
import type { CombineFn, InlineJob, Job, JobSpec, MapFn, ReduceContext, TaskContext } from './types.ts';

export type JobRef =
  | { kind: 'module'; url: string }
  | { kind: 'inline'; source: InlineJob }
  /** A job object given in code: only usable in-process. */
  | { kind: 'object' };

export interface ResolvedJob {
  name: string;
  map: MapFn;
  /** Set when map is a built-in ('words'): the runtime may run the job on that map's engine (word-job.ts). */
  builtinMap?: BuiltinMapName;
  input: 'lines' | 'jsonl' | 'json';
  output: 'tsv' | 'jsonl';
  encoding: 'utf8' | 'latin1';
  split: boolean;
  /** Set when reduce is a built-in: map values are lifted with agg.init and merged map-side. */
  agg?: Aggregator;
  /** A user combine function on raw map values (unset when reduce is a built-in, which combines itself). */
  combine?: CombineFn;
  /** Set when combine, not reduce, is a built-in name: the map side aggregates with it (the collector's
   * typed-array counting path for sum/count), so the reduce always receives its partial results. */
  combineAgg?: Aggregator;
  /** On map-output values (accumulators when agg is set). Undefined: a map-only job. */
  reduce?: (key: string, values: Iterable<any>, ctx: ReduceContext) => unknown;
  group?: (key: string) => string;
  setup?: (ctx: TaskContext) => void | Promise<void>;
  teardown?: (ctx: TaskContext) => void | Promise<void>;
  /** Map-output value for Hadoop Streaming mode: init(v) of the built-in reduce or combine, else v. */
  liftValue(key: string, value: unknown): unknown;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The recipes directory beside this package's lib (source: recipes/*.ts; dist: dist/recipes/*.js). */
export function recipeUrl(name: string): URL {
  return new URL(`../../recipes/${name}${ext}`, import.meta.url);
}

/** Evaluates a JavaScript function expression given as text (inline jobs, `--map '...'`). */
export function evalFunction(source: string, what: string): (...args: any[]) => any {
  let fn: unknown;
  try {
    fn = new Function(`"use strict"; return (${source}\n);`)();
  } catch (err) {
    throw new Error(`${what}: cannot evaluate ${JSON.stringify(source)}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof fn !== 'function') throw new TypeError(`${what}: ${JSON.stringify(source)} is not a function expression`);
  return fn as (...args: any[]) => any;
}

/** Builds a job object from inline source strings (built-in names stay names). */
export function jobFromInline(src: InlineJob): Job {
  const named = (s: string | undefined, what: string) =>
    s === undefined ? undefined : looksLikeName(s) ? (builtin(s, what), s) : evalFunction(s, what);
  const map = isBuiltinMapName(src.map) ? src.map : evalFunction(src.map, '--map');
  const job: Job = { ...src, name: src.name ?? 'inline', map } as Job;
  job.combine = named(src.combine, '--combine') as Job['combine'];
  job.reduce = named(src.reduce, '--reduce') as Job['reduce'];
  if (src.group !== undefined) job.group = evalFunction(src.group, '--group');
  return job;
}

function isInline(spec: object): spec is InlineJob {
  return typeof (spec as InlineJob).map === 'string';
}

/** The recipe a bare name (no '/', no '.') names, if there is one. */
export function recipeNamed(spec: string): URL | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(spec)) return undefined;
  const url = recipeUrl(spec);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Where a job comes from: a file path, a recipe name, a module URL, inline source, or an object. A recipe
 * name wins over a file of that name in the working directory (a data file called `logs` must not turn
 * `mrpipe run logs` into running it as code); a path (`./logs`, `logs.ts`) names the file.
 */
export function jobRefOf(spec: JobSpec): JobRef {
  if (spec instanceof URL) return { kind: 'module', url: spec.href };
  if (typeof spec === 'string') {
    if (spec.startsWith('file:')) return { kind: 'module', url: spec };
    const recipe = recipeNamed(spec);
    if (recipe !== undefined) return { kind: 'module', url: recipe.href };
    const path = resolvePath(spec);
    if (existsSync(path) && statSync(path).isFile()) return { kind: 'module', url: pathToFileURL(path).href };
    // Say where it looked: a relative path starts from the current directory, not from the caller's file.
    throw new Error(`job ${JSON.stringify(spec)} not found: no file ${path} (relative paths start from ${process.cwd()})`
      + `${/^[a-z0-9][a-z0-9-]*$/.test(spec) ? ' and no recipe of that name' : ''}; give a job file path or a recipe name (mrpipe recipes lists them)`);
  }
  if (isInline(spec)) return { kind: 'inline', source: spec };
  return { kind: 'object' };
}

/** Loads the job a ref names (module import or inline evaluation). */
export async function loadRef(ref: JobRef): Promise<Job> {
  if (ref.kind === 'inline') return jobFromInline(ref.source);
  if (ref.kind === 'object') throw new Error('a job object given in code cannot be loaded by reference');
  let mod: { default?: unknown };
  try {
    mod = await import(ref.url);
  } catch (err) {
    throw new Error(`cannot load job ${fileURLToPath(ref.url)}: ${(err as Error).message}`, { cause: err });
  }
  const job = (mod.default ?? mod) as Job;
  if (!job || typeof job !== 'object' || (typeof job.map !== 'function' && typeof job.map !== 'string')) {
    throw new Error(`job ${fileURLToPath(ref.url)} has no default export with a map(record, emit, ctx) function`);
  }
  return job;
}

/** loadJob(pathOrRecipeName): the job module's default export, resolved (built-ins turned into functions). */
export async function loadJob(spec: string | URL | InlineJob): Promise<ResolvedJob> {
  return resolveJob(await loadRef(jobRefOf(spec)));
}

const check = <T>(v: T | undefined, allowed: readonly T[], what: string, dflt: T): T => {
  if (v === undefined) return dflt;
  if (!allowed.includes(v)) throw new Error(`job ${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  return v;
};

/** A built-in named by a job's combine or reduce; an unknown name is an error listing them. */
function named(name: unknown, what: string): Aggregator {
  return builtin(typeof name === 'string' ? name : String(name), `job ${what}`);
}

/** Checks a job and turns built-in names into functions. */
export function resolveJob(job: Job): ResolvedJob {
  if (!job || (typeof job.map !== 'function' && typeof job.map !== 'string')) throw new TypeError('a job needs a map(record, emit, ctx) function');
  const map = typeof job.map === 'string' ? builtinMap(job.map, 'job map') : job.map;
  const mapName = builtinMapNameOf(map);
  const r = job.reduce;
  let agg: Aggregator | undefined;
  let reduce: ResolvedJob['reduce'];
  if (r === undefined) reduce = undefined;
  else if (typeof r === 'function') reduce = r;
  else {
    const a = named(r, 'reduce');
    agg = a;
    reduce = (key, partials) => mergePartials(a, key, partials);
  }
  if (job.group !== undefined && typeof job.group !== 'function') throw new TypeError('job group must be a function key => groupKey');
  const combineAgg = agg || job.combine === undefined || typeof job.combine === 'function' ? undefined : named(job.combine, 'combine');
  const lift = agg ?? combineAgg;
  return {
    name: job.name ?? 'job',
    map: map as MapFn,
    builtinMap: mapName,
    input: check(job.input, ['lines', 'jsonl', 'json'] as const, 'input', 'lines'),
    output: check(job.output, ['tsv', 'jsonl'] as const, 'output', 'tsv'),
    // Words are bytes: the built-in word split reads latin1 unless told otherwise (keys order as bytes).
    encoding: check(job.encoding, ['utf8', 'latin1'] as const, 'encoding', mapName === 'words' ? 'latin1' : 'utf8'),
    split: job.split !== false,
    agg,
    combine: agg || typeof job.combine !== 'function' ? undefined : job.combine,
    combineAgg,
    reduce,
    group: job.group,
    setup: job.setup,
    teardown: job.teardown,
    liftValue: lift ? (k, v) => lift.init(v, k) : (_k, v) => v,
  };
}
