// Type-level checks (enforced by `npm run typecheck`): defineJob infers record and value types, a plain
// object is a Job, and wrong shapes do not compile. The runtime assertions only keep ava happy.
import test from 'ava';
import { defineJob, type Job, type JobResult, type RunOptions } from '../../lib/index.ts';

// Value types flow from the type arguments (TypeScript does not infer them from emit calls in a body).
const typed = defineJob<{ user: string; n: number }, number, string>({
  input: 'jsonl',
  map(rec, emit, ctx) {
    emit(rec.user, rec.n);
    ctx.counter('users', 'seen');
    const offset: number | undefined = ctx.offset;
    void offset;
  },
  reduce(key, values) {
    let s = 0;
    for (const v of values) s += v;
    return `${key}:${s}`;
  },
});

const plain: Job = { map: (line: string, emit) => emit(line, 1), reduce: 'sum' };

// @ts-expect-error: reduce must be a function or a built-in name
const badReduce: Job = { map: () => {}, reduce: 'median' };
// @ts-expect-error: the input format is one of lines, jsonl, json
const badInput: Job = { map: () => {}, input: 'csv' };
// @ts-expect-error: emit takes a string key
const badKey = defineJob({ map: (_l: string, emit) => emit(1, 1) });
// @ts-expect-error: output is required
const noOutput: RunOptions = { inputs: ['x'] };

test('job and option types', (t) => {
  t.is(typeof typed.map, 'function');
  t.is(plain.reduce, 'sum');
  t.truthy(badReduce && badInput && badKey && noOutput);
  const r: Pick<JobResult, 'parts'> = { parts: ['part-00000'] };
  t.is(r.parts.length, 1);
});
