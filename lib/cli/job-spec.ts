// Which job a command runs: a job file, a recipe name, or inline code (--map/--combine/--reduce/--group).
// Inline code is checked here, before any input is read: a syntax error is a usage error (exit 2) that
// shows the error. Parameters (-D NAME=VALUE) go into the environment before the job loads, where recipes
// (and worker threads, which inherit it) read them — the same way Hadoop's -cmdenv passes them.
import type { Command } from 'commander';
import vm from 'node:vm';
import { builtin, isBuiltinMapName, looksLikeName } from '../../operators/shuffle/keyed/builtins.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jobRefOf, loadJob, recipeNamed, type ResolvedJob } from '../job/load.ts';
import type { InlineJob } from '../job/types.ts';
import { failure, usageError } from './errors.ts';
import { parseCount } from './sizes.ts';

export interface JobFlags {
  map?: string;
  combine?: string;
  reduce?: string;
  group?: string;
  inputFormat?: string;
  outputFormat?: string;
  define?: string[];
  verbose?: boolean;
}

/** Adds the inline-job and parameter flags to a command. */
export function addJobFlags(cmd: Command): Command {
  return cmd
    .option('--map <EXPR>', "inline map: a JS function expression, e.g. '(line, emit) => emit(line, 1)', or words (the built-in word split)")
    .option('--combine <NAME|EXPR>', 'inline combine: sum, count, min, max, first, collect, collect:N, or (key, values) => value')
    .option('--reduce <NAME|EXPR>', 'inline reduce: sum, count, min, max, first, collect, collect:N, or (key, values, ctx) => value')
    .option('--group <EXPR>', 'inline secondary sort: key => group key (values reach reduce in full-key order)')
    .option('--input-format <FORMAT>', 'inline job input: lines (default), jsonl or json')
    .option('--output-format <FORMAT>', 'inline job output: tsv (default) or jsonl')
    .option('-D, --define <NAME=VALUE>', 'set a job parameter (an environment variable the job reads); repeatable',
      (v: string, prev: string[] = []) => [...prev, v])
    .option('--verbose', 'say on stderr which job runs (a recipe name wins over a file of that name: write ./NAME for the file)');
}

/** Applies -D NAME=VALUE definitions to process.env. */
export function applyDefines(defs: readonly string[] | undefined): void {
  for (const d of defs ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) throw usageError(`-D '${d}': write a parameter as NAME=VALUE, e.g. -D MRPIPE_TOP=20`);
    process.env[d.slice(0, eq)] = d.slice(eq + 1);
  }
}

/** --bad-records, the same in `run` and `map`: 'fail' (the default: stop at the first) or N to skip and count. */
export function parseBadRecords(text: string): 'fail' | number {
  if (text === 'fail') return 'fail';
  if (!/^\d+$/.test(text.trim())) throw usageError(`--bad-records must be 'fail' or a count (0 or more); got '${text}'`);
  return parseCount(text, '--bad-records', 0);
}

/** Checks that `source` compiles as a function expression; a usage error showing the syntax error if not. */
export function checkExpression(source: string, flag: string): void {
  try {
    // vm.Script's stack shows the offending line with a caret under the error.
    new vm.Script(`(${source}\n)`, { filename: flag });
  } catch (err) {
    const e = err as Error;
    const stack = (e.stack ?? '').split('\n');
    let pointer = `  ${source}\n  ${' '.repeat(source.length)}^ (the expression ends too early: a bracket or parenthesis is not closed?)`;
    if (stack[0] === `${flag}:1` && stack[2]?.includes('^')) {
      // Drop the '(' this wrapper added in front of the source.
      pointer = `  ${stack[1].slice(1)}\n  ${stack[2].slice(1)}`;
    }
    throw usageError(`${flag}: not a valid JavaScript expression: ${e.name}: ${e.message}
${pointer}
A function expression looks like: ${flag} '(line, emit) => emit(line.split(" ")[0], 1)'`);
  }
  let value: unknown;
  try {
    value = new Function(`"use strict"; return (${source}\n);`)();
  } catch (err) {
    throw usageError(`${flag}: evaluating ${JSON.stringify(source)} failed: ${(err as Error).message}`);
  }
  if (typeof value !== 'function') throw usageError(`${flag}: ${JSON.stringify(source)} is not a function expression — write e.g. '(line, emit) => …'`);
}

/** The inline job the flags describe, or undefined when there is no --map. */
export function inlineJob(flags: JobFlags): InlineJob | undefined {
  if (flags.map === undefined) {
    for (const f of ['combine', 'reduce', 'group'] as const) {
      if (flags[f] !== undefined) throw usageError(`--${f} needs --map (an inline job), or name a job file instead`);
    }
    return undefined;
  }
  if (!isBuiltinMapName(flags.map)) checkExpression(flags.map, '--map');
  for (const f of ['combine', 'reduce'] as const) {
    const v = flags[f];
    if (v === undefined) continue;
    if (!looksLikeName(v)) checkExpression(v, `--${f}`);
    else {
      try { builtin(v, `--${f}`); } catch (err) { throw usageError((err as Error).message); }
    }
  }
  if (flags.group !== undefined) checkExpression(flags.group, '--group');
  const input = flags.inputFormat;
  if (input !== undefined && !['lines', 'jsonl', 'json'].includes(input)) throw usageError(`--input-format must be lines, jsonl or json; got '${input}'`);
  const output = flags.outputFormat;
  if (output !== undefined && !['tsv', 'jsonl'].includes(output)) throw usageError(`--output-format must be tsv or jsonl; got '${output}'`);
  const job: InlineJob = { name: 'inline', map: flags.map };
  if (flags.combine !== undefined) job.combine = flags.combine;
  if (flags.reduce !== undefined) job.reduce = flags.reduce;
  if (flags.group !== undefined) job.group = flags.group;
  if (input !== undefined) job.input = input as InlineJob['input'];
  if (output !== undefined) job.output = output as InlineJob['output'];
  return job;
}

/** JOB argument or inline flags → what runJob/loadJob accept. Usage error when neither or both. */
export function jobSpecOf(jobArg: string | undefined, flags: JobFlags): string | InlineJob {
  applyDefines(flags.define);
  const inline = inlineJob(flags);
  if (inline !== undefined) {
    if (flags.verbose) process.stderr.write('mrpipe: job is inline (--map)\n');
    return inline;
  }
  if (jobArg === undefined) throw usageError('name a job (a job file or a recipe name — mrpipe recipes lists them) or give an inline --map EXPR');
  let ref: ReturnType<typeof jobRefOf>;
  try {
    ref = jobRefOf(jobArg);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (flags.verbose && ref.kind === 'module') {
    const path = fileURLToPath(ref.url);
    const shadowed = recipeNamed(jobArg) !== undefined && existsSync(jobArg) ? `; the file ./${jobArg} is not run (write ./${jobArg} to run it)` : '';
    process.stderr.write(`mrpipe: job ${jobArg} is ${recipeNamed(jobArg) !== undefined ? 'the recipe' : 'the file'} ${path}${shadowed}\n`);
  }
  return jobArg;
}

/** Loads and checks the job; a job module that fails to load is a failure (exit 1). */
export async function loadJobSpec(spec: string | InlineJob): Promise<ResolvedJob> {
  try {
    return await loadJob(spec);
  } catch (err) {
    throw failure((err as Error).message);
  }
}
