// The built-in reducers through the real CLI, on every path (in-memory, streaming, several map tasks,
// Hadoop Streaming's map/combine/reduce): one meaning each. Numbers are numbers wherever they come from
// (the wire text "2", a map's strings), a value that is not a number is an error naming the key, an
// overflowing sum is an error naming the key and is not retried, and odd wire lines are refused.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir } from './helpers.ts';
import { writeJob } from './jobs.ts';

/** `mrpipe run` on the three paths a job can take. */
const PATHS: [string, string[]][] = [
  ['in-memory', ['--streaming', 'off']],
  ['streaming', ['--streaming', 'on', '--workers', '1']],
  ['3 map tasks', ['--streaming', 'on', '--map-tasks', '3', '--workers', '2']],
];

const NO_STACK = /\n\s+at /;

/**
 * Each case on each path would be a CLI process each (most of this file's time): the cases are spread over
 * the paths instead, every case on one path and every path with more than one case; the first case (the
 * wrong answer a regression test keeps) runs on every path.
 */
function spread<T>(cases: readonly T[]): [T, string, string[]][] {
  const out: [T, string, string[]][] = PATHS.map(([path, flags]) => [cases[0], path, flags]);
  cases.slice(1).forEach((c, i) => out.push([c, ...PATHS[i % PATHS.length]]));
  return out;
}

test('mrpipe reduce wordcount: the wire values 1 and "2" sum to 3 (was 12); combine too', async (t) => {
  const reduced = await cli(['reduce', 'wordcount'], { input: 'x\t1\nx\t"2"\ny\t"4"\n' });
  t.is(reduced.status, 0, reduced.stderr);
  t.is(reduced.stdout.toString(), 'x\t3\ny\t4\n');
  const combined = await cli(['combine', 'wordcount'], { input: 'x\t1\nx\t"2"\n' });
  t.is(combined.status, 0, combined.stderr);
  t.is(combined.stdout.toString(), 'x\t3\n');
});

test('sum of the strings "3" and "4" is 7 and max of "10" and "9" is 10, on every path', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, '3\n4\n10\n9\n');
  // sum and max (the two wrong answers) on every path; min and count on one each.
  for (const [[reduce, want], path, flags] of [...spread([['sum', 'k\t26\n'], ['min', 'k\t3\n'], ['count', 'k\t4\n']]),
    ...spread([['max', 'k\t10\n']])]) {
    const r = await cli(['run', '--map', '(l, emit) => emit("k", l)', '--reduce', reduce, file, ...flags]);
    t.is(r.status, 0, `${path} ${reduce}: ${r.stderr}`);
    t.is(r.stdout.toString(), want, `${path} ${reduce}`);
  }
}));

test('a value that is not a number under sum/min/max is an error naming the key, on every path', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, '1\nseven\n');
  for (const [reduce, path, flags] of spread(['sum', 'min', 'max'])) {
    const r = await cli(['run', '--map', '(l, emit) => emit("the key", l)', '--reduce', reduce, file, ...flags]);
    t.is(r.status, 1, `${path} ${reduce}: ${r.stderr}`);
    t.regex(r.stderr, new RegExp(`${reduce}: the value "seven" for key "the key" is not a finite number`), `${path} ${reduce}`);
    t.regex(r.stderr, /in\.txt line 2/, `${path} ${reduce}: names the record`);
    t.notRegex(r.stderr, NO_STACK);
  }
}));

test('a sum that overflows (1e308 + 1e308) is an error naming the key on every path, not retried', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  // With 3 map tasks each holds one 1e308: the overflow happens in the reduce's merge (it printed Infinity).
  writeFileSync(file, 'a\na\n');
  for (const [path, flags] of PATHS) {
    const r = await cli(['run', '--map', '(l, emit) => emit(l, 1e308)', '--reduce', 'sum', file, ...flags, '--max-attempts', '3']);
    t.is(r.status, 1, `${path}: exit ${r.status}, stdout ${JSON.stringify(r.stdout.toString())}`);
    t.is(r.stdout.toString(), '', `${path}: no Infinity printed`);
    t.regex(r.stderr, /sum for key "a" is Infinity: the values overflow/, path);
    t.notRegex(r.stderr, /attempts/, `${path}: failed at once`);
    t.notRegex(r.stderr, NO_STACK);
  }
  const wire = await cli(['reduce', 'wordcount'], { input: 'a\t1e308\na\t1e308\n' });
  t.is(wire.status, 1);
  t.regex(wire.stderr, /\(stdin\) line 2 \(byte 8\): sum for key "a" is Infinity/);
}));

test('a map or combine that throws is not retried as if its worker had crashed', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\nBOOM\nc\na\n');
  const seen = join(dir, 'seen');
  const job = writeJob(dir, 'boom.mjs', `import fs from 'node:fs';
export default { map(l, emit) { if (l === 'BOOM') { fs.appendFileSync(${JSON.stringify(seen)}, 'x'); throw new Error('boom'); } emit(l, 1); }, reduce: 'sum' };`);
  const r = await cli(['run', job, file, '--streaming', 'on', '--max-attempts', '3']);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /in\.txt line 2 \(byte 2\): Error: boom \[task map-0/);
  t.is(readFileSync(seen, 'utf8'), 'x', 'the map ran on the record once');
  const combined = join(dir, 'combined');
  const combiner = writeJob(dir, 'combine.mjs', `import fs from 'node:fs';
export default { map(l, emit) { emit(l, 1); }, combine(k) { fs.appendFileSync(${JSON.stringify(combined)}, 'x'); throw new Error('no'); }, reduce: (k, vs) => 1 };`);
  const c = await cli(['run', combiner, file, '--streaming', 'on', '--max-attempts', '3'], { input: '' });
  t.is(c.status, 1, c.stderr);
  t.regex(c.stderr, /combine failed for key "(a|c|BOOM)": Error: no \[task map-0/);
  t.is(readFileSync(combined, 'utf8'), 'x', 'the combine ran once');
}));

test('mrpipe reduce --reduce sum/count: a wire line without a TAB or with null fails naming line and key', async (t) => {
  const map = ['--map', '(l, emit) => emit(l, 1)'];
  for (const reduce of ['sum', 'count']) {
    const noTab = await cli(['reduce', ...map, '--reduce', reduce], { input: 'b\t1\nb\n' });
    t.is(noTab.status, 1, `${reduce}: ${noTab.stdout}`);
    t.regex(noTab.stderr, new RegExp(`\\(stdin\\) line 2 \\(byte 4\\) \\(a line without a TAB: no value\\): ${reduce}: the value \\(missing\\) for key "b" is not a finite number`));
    const nul = await cli(['reduce', ...map, '--reduce', reduce], { input: 'a\tnull\na\t1\n' });
    t.is(nul.status, 1, `${reduce}: ${nul.stdout}`);
    t.regex(nul.stderr, new RegExp(`\\(stdin\\) line 1 \\(byte 0\\): ${reduce}: the value null for key "a" is not a finite number`));
    t.is(nul.stdout.toString(), '');
  }
});

test('an unknown built-in (--reduce summ) is a usage error listing the built-ins', async (t) => {
  for (const cmd of [['run', '-'], ['reduce'], ['map']]) {
    const r = await cli([...cmd, '--map', '(l, emit) => emit(l, 1)', '--reduce', 'summ'], { openStdin: true });
    t.is(r.status, 2, `${cmd[0]}: ${r.stderr}`);
    t.regex(r.stderr, /--reduce must be a function or one of sum, count, min, max, first, collect, collect:N; got "summ"/);
  }
  const c = await cli(['run', '-', '--map', '(l, emit) => emit(l, 1)', '--combine', 'Sum'], { openStdin: true });
  t.is(c.status, 2);
  t.regex(c.stderr, /--combine must be a function or one of sum/);
});

test('emit of a Map or Set is an error naming the key (not a silent {}), on every path and in mrpipe map', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\n');
  for (const [value, path, flags] of spread(['new Map([[1, 2]])', 'new Set([1])', '{ m: new Map() }'])) {
    const r = await cli(['run', '--map', `(l, emit) => emit(l, ${value})`, file, ...flags]);
    t.is(r.status, 1, `${path} ${value}: ${r.stdout}`);
    t.regex(r.stderr, /value emitted for key "a" is not JSON-serialisable: it holds a (Map|Set)/, `${path} ${value}`);
  }
  for (const value of ['new Map([[1, 2]])', 'new Set([1])', '{ m: new Map() }']) {
    const map = `(l, emit) => emit(l, ${value})`;
    const m = await cli(['map', '--map', map, file]);
    t.is(m.status, 1, `map ${value}: ${m.stdout}`);
    t.regex(m.stderr, /value emitted for key "a" is not JSON-serialisable: it holds a (Map|Set)/);
  }
}));

test('a reduce returning a BigInt or a circular object fails naming the key, on every path and in mrpipe reduce', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'k\n');
  const results = ['10n', '(() => { const o = {}; o.o = o; return o; })()'];
  for (const [result, path, flags] of spread(results)) {
    const r = await cli(['run', '--map', '(l, emit) => emit(l, 1)', '--reduce', `(key, values) => ${result}`, file, ...flags]);
    t.is(r.status, 1, `${path} ${result}: ${r.stdout}`);
    t.regex(r.stderr, /output value for key "k" is not JSON-serialisable: .*(BigInt|circular)/, `${path} ${result}`);
  }
  for (const result of results) {
    const reduce = `(key, values) => ${result}`;
    const wire = await cli(['reduce', '--map', '(l, emit) => emit(l, 1)', '--reduce', reduce], { input: 'k\t1\n' });
    t.is(wire.status, 1, `reduce ${result}: ${wire.stdout}`);
    t.regex(wire.stderr, /output value for key "k" is not JSON-serialisable/);
  }
}));

test("the in-memory reduce's ctx.emit checks the key as the streaming one does", (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'k\n');
  for (const [path, flags] of PATHS) {
    const r = await cli(['run', '--map', '(l, emit) => emit(l, 1)', '--reduce', '(k, vs, ctx) => { ctx.emit(42, 1); }', file, ...flags]);
    t.is(r.status, 1, `${path}: ${r.stdout}`);
    t.regex(r.stderr, /reduce failed for key "k": TypeError: reduce emit: key must be a string, got number 42/, path);
  }
}));

test('a built-in combine gives the reduce the same partial results on every path and through map | sort | reduce', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a b a\nc a b\n'.repeat(50));
  const map = '(l, emit) => { for (const w of l.split(" ")) emit(w, w); }';
  const reduce = '(k, counts) => { let n = 0; for (const c of counts) n += c; return n; }';
  const want = 'a\t150\nb\t100\nc\t50\n';
  for (const [path, flags] of PATHS) {
    const r = await cli(['run', '--map', map, '--combine', 'count', '--reduce', reduce, file, ...flags]);
    t.is(r.status, 0, `${path}: ${r.stderr}`);
    t.is(r.stdout.toString(), want, path);
  }
  const job = ['--map', map, '--combine', 'count', '--reduce', reduce];
  const mapped = await cli(['map', ...job, file]);
  const sorted = mapped.stdout.toString().split('\n').filter(Boolean).sort().join('\n') + '\n';
  const direct = await cli(['reduce', ...job], { input: sorted });
  t.is(direct.stdout.toString(), want, direct.stderr);
  const combined = await cli(['combine', ...job], { input: sorted });
  const viaCombine = await cli(['reduce', ...job], { input: combined.stdout });
  t.is(viaCombine.stdout.toString(), want, viaCombine.stderr);
}));

test('collect:N is a built-in on every path: the values up to N, beyond that an error naming the key', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, 'a\nb\na\n');
  for (const [path, flags] of PATHS) {
    const ok = await cli(['run', '--map', '(l, emit) => emit(l, 1)', '--reduce', 'collect:2', file, ...flags]);
    t.is(ok.stdout.toString(), 'a\t[1,1]\nb\t[1]\n', `${path}: ${ok.stderr}`);
    const over = await cli(['run', '--map', '(l, emit) => emit(l, 1)', '--reduce', 'collect:1', file, ...flags]);
    t.is(over.status, 1, path);
    t.regex(over.stderr, /collect:1: key "a" has more than 1 values/, path);
  }
}));
