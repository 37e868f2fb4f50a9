// Bad jobs through the real CLI: a job that cannot load is refused before any input is read (stdin is
// left open and never ends, so reading it would hang); errors inside map/reduce name the record (file,
// line, byte) or the key, exit 1, and leave no output dir and no temp files.
import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliKilledAfter, debrisBeside, emptyDir, inTempDir, tree } from './helpers.ts';
import { writeJob } from './jobs.ts';

/** Runs `mrpipe run JOB -` with stdin held open; the command must end by itself with `status`. */
async function refusedBeforeInput(t: import('ava').ExecutionContext, job: string, status: number, message: RegExp): Promise<void> {
  const r = await cliKilledAfter(30_000, ['run', job, '-'], { openStdin: true });
  t.is(r.signal, null, `${job}: ended by itself, without reading stdin to the end`);
  t.is(r.status, status, r.stderr);
  t.regex(r.stderr, message);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
}

test('a job that cannot load is refused before reading input', (t) => inTempDir(async (dir) => {
  const job = (name: string, src: string): string => writeJob(dir, name, src);
  await refusedBeforeInput(t, join(dir, 'missing.mjs'), 2, /missing\.mjs" not found/);
  await refusedBeforeInput(t, job('syntax.mjs', 'export default { map(l, emit) { emit(l, 1) '), 1, /cannot load job .*syntax\.mjs: .*Unexpected/);
  await refusedBeforeInput(t, job('nomap.mjs', 'export default { reduce: "sum" };'), 1, /nomap\.mjs has no default export with a map/);
  await refusedBeforeInput(t, job('empty.mjs', ''), 1, /empty\.mjs has no default export with a map/);
  await refusedBeforeInput(t, job('throws.mjs', 'throw new Error("load failed on purpose");'), 1, /throws\.mjs: load failed on purpose/);
  await refusedBeforeInput(t, job('badreduce.mjs', 'export default { map() {}, reduce: "median" };'), 1, /reduce must be a function or one of sum, count/);
  const r = await cli(['run', '--map', '(l, emit) => emit(l, 1', '-'], { openStdin: true });
  t.is(r.status, 2);
  t.regex(r.stderr, /--map: not a valid JavaScript expression: SyntaxError/);
}));

const MODES = `
const mode = process.env.MRPIPE_TEST_MODE;
export default {
  map(l, emit) {
    if (mode === 'throw' && l === 'c d') throw new TypeError('map broke');
    if (mode === 'promise') return Promise.resolve(1);
    if (mode === 'async') return (async () => emit(l, 1))();
    if (mode === 'bigint') return emit(l, 10n);
    if (mode === 'circular') { const o = {}; o.o = o; return emit(l, o); }
    if (mode === 'function') return emit(l, () => 1);
    if (mode === 'symbol') return emit(l, Symbol('s'));
    if (mode === 'nan') return emit(l, NaN);
    if (mode === 'infinity') return emit(l, Infinity);
    if (mode === 'objectkey') return emit({ l }, 1);
    if (mode === 'numberkey') return emit(42, 1);
    if (mode === 'undefinedkey') return emit(undefined, 1);
    emit(l, 1);
  },
  reduce(k, vs) {
    if (mode === 'rthrow' && k === 'c d') throw new RangeError('reduce broke');
    if (mode === 'rpromise') return Promise.resolve(1);
    let n = 0;
    for (const v of vs) n += v;
    return n;
  },
};
`;

const CASES: [string, RegExp][] = [
  ['throw', /in\.txt line 2 \(byte 4\): TypeError: map broke/],
  ['promise', /in\.txt line 1 \(byte 0\): TypeError: map returned a Promise/],
  ['async', /map returned a Promise: map must be synchronous/],
  ['bigint', /value emitted for key "a b" is not JSON-serialisable: .*BigInt/],
  ['circular', /value emitted for key "a b" is not JSON-serialisable: .*circular/],
  ['function', /value emitted for key "a b" is a function/],
  ['symbol', /value emitted for key "a b" is a symbol/],
  ['objectkey', /in\.txt line 1 \(byte 0\): TypeError: emit: key must be a string, got object/],
  ['numberkey', /emit: key must be a string, got number 42/],
  ['undefinedkey', /emit: key must be a string, got undefined/],
  ['rthrow', /reduce failed for key "c d": RangeError: reduce broke/],
  ['rpromise', /reduce returned a Promise for key "a b": reduce must be synchronous/],
];

for (const streaming of ['on', 'off']) {
  test(`map/reduce errors name the record or key and leave nothing behind (streaming ${streaming})`, (t) => inTempDir(async (dir) => {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'a b\nc d\n');
    const job = writeJob(dir, 'modes.mjs', MODES);
    const tmp = emptyDir(dir);
    const out = join(dir, 'out');
    await Promise.all(CASES.map(async ([mode, message]) => {
      const o = `${out}-${mode}`;
      const r = await cli(['run', job, file, '-o', o, '-T', tmp, '--streaming', streaming, '--max-attempts', '1', '--workers', '1'],
        { env: { MRPIPE_TEST_MODE: mode } });
      t.is(r.status, 1, `${mode}: ${r.stderr}`);
      t.regex(r.stderr, message, mode);
      t.false(existsSync(o), `${mode}: no output dir`);
      t.deepEqual(debrisBeside(o), [], `${mode}: no lock or staging dir`);
    }));
    t.deepEqual(tree(tmp), [], 'no temp files');
  }));
}

test('a value JSON cannot carry exactly (NaN, Infinity) is an error, not a silent null', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a b\n');
  const job = writeJob(dir, 'modes.mjs', MODES);
  for (const mode of ['nan', 'infinity']) {
    const r = await cli(['run', job, file, '--max-attempts', '1'], { env: { MRPIPE_TEST_MODE: mode } });
    t.is(r.status, 1, `${mode}: exit ${r.status}, stdout ${JSON.stringify(r.stdout.toString())}`);
    t.regex(r.stderr, /value emitted for key "a b" is (NaN|Infinity)/);
  }
}));
