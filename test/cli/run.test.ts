// mrpipe run: stdin to stdout, files to an output directory, inline jobs (checked up front, run in the
// workers), flags mapped to runJob options, and its errors and exit codes.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, sh, tempDir, MRPIPE } from './helpers.ts';

let dir: string;
let cleanup: () => void;
let input: string;
test.before(() => {
  ({ dir, cleanup } = tempDir());
  input = path.join(dir, 'in.txt');
  let s = '';
  for (let i = 0; i < 20000; i++) s += `k${i % 97} v${i} ${i % 7}\n`;
  fs.writeFileSync(input, s);
});
test.after.always(() => cleanup());

const expected = (): string => sh(`cut -d' ' -f1 '${input}' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\\t\\1/'`).toString();
const MAP = '(l, emit) => emit(l.split(" ")[0], 1)';

test('an inline job reads stdin and writes key order on stdout', async (t) => {
  const r = await mrpipe(['run', '--map', MAP, '--reduce', 'sum'], fs.readFileSync(input));
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), expected());
  t.is(r.stderr, '', 'no counters unless asked, no progress off a TTY');
});

test('inline code runs in the worker threads (streaming on, several map tasks)', async (t) => {
  const r = await mrpipe(['run', '--map', MAP, '--combine', 'sum', '--reduce', '(k, vs) => { let n = 0; for (const v of vs) n += v; return n; }',
    input, '--streaming', 'on', '--map-tasks', '4', '--workers', '2', '--chunk-size', '4KB']);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), expected());
});

test('-o DIR writes parts, _SUCCESS and counters; refuses an existing DIR without --overwrite', async (t) => {
  const out = path.join(dir, 'out');
  const r = await mrpipe(['run', 'wordcount', input, '-o', out, '--reducers', '3', '--streaming', 'on']);
  t.is(r.status, 0, r.stderr);
  t.true(fs.existsSync(path.join(out, '_SUCCESS')));
  t.regex(r.stderr, /^mrpipe\.mapInputRecords\t20000$/m);
  const again = await mrpipe(['run', 'wordcount', input, '-o', out]);
  t.is(again.status, 1);
  t.regex(again.stderr, /overwrite/);
  t.is((await mrpipe(['run', 'wordcount', input, '-o', out, '--overwrite', '-q'])).status, 0);
});

test('a bad inline expression exits 2 and shows the syntax error, before reading input', async (t) => {
  const r = await mrpipe(['run', '--map', '(l, emit) => emit(l.split(" ")[0], 1', 'no-such-input.txt']);
  t.is(r.status, 2);
  t.regex(r.stderr, /--map: not a valid JavaScript expression: SyntaxError/);
  t.regex(r.stderr, /\(l, emit\) => emit/);
  const r2 = await mrpipe(['run', '--map', MAP, '--reduce', 'x =>* 2'], 'a\n');
  t.is(r2.status, 2);
  t.regex(r2.stderr, /--reduce: .*SyntaxError: Unexpected token '\*'\n {2}x =>\* 2\n {6}\^/);
  const r3 = await mrpipe(['run', '--map', '42'], 'a\n');
  t.is(r3.status, 2);
  t.regex(r3.stderr, /not a function expression/);
});

test('a missing input exits 1 naming it; an unknown job exits 2 pointing to mrpipe recipes', async (t) => {
  const r = await mrpipe(['run', 'wordcount', input, path.join(dir, 'missing.txt')]);
  t.is(r.status, 1);
  t.regex(r.stderr, /missing\.txt: no such file or directory/);
  const j = await mrpipe(['run', 'no-such-recipe', input]);
  t.is(j.status, 2);
  t.regex(j.stderr, /mrpipe recipes/);
});

test('bad option values exit 2 naming the flag', async (t) => {
  for (const [args, re] of [
    [['--workers', 'two'], /--workers: 'two' is not a whole number/],
    [['--memory', '1 lots'], /--memory: '1 lots' is not a size/],
    [['--streaming', 'maybe'], /--streaming must be auto, on or off/],
    [['--bad-records', '-1'], /--bad-records/],
    [['-D', 'NOEQUALS'], /NAME=VALUE/],
  ] as Array<[string[], RegExp]>) {
    const r = await mrpipe(['run', 'wordcount', input, ...args]);
    t.is(r.status, 2, args.join(' '));
    t.regex(r.stderr, re);
  }
});

test('a map that throws fails the job (exit 1) naming the file and line; --bad-records N skips', async (t) => {
  const bad = '(l, emit) => { if (l.startsWith("k5 v5 ")) throw new Error("boom"); emit(l, 1); }';
  const r = await mrpipe(['run', '--map', bad, '--reduce', 'sum', input]);
  t.is(r.status, 1);
  t.regex(r.stderr, /boom/);
  t.regex(r.stderr, /in\.txt/);
  t.regex(r.stderr, /line 6\b|:6\b/);
  const skip = await mrpipe(['run', '--map', bad, '--reduce', 'sum', input, '--bad-records', '5', '--counters']);
  t.is(skip.status, 0, skip.stderr);
  t.regex(skip.stderr, /badRecords\t1/);
});

test('| head -1 ends quietly with status 0 for run, sort, map and generate', (t) => {
  const mapped = `${MRPIPE} map distinct < '${input}' 2>/dev/null | sort -t$'\\t' -k1,1 -s`;
  for (const cmd of [`run wordcount '${input}'`, `sort '${input}'`, `map wordcount < '${input}'`, `run --map 'l => l' - < '${input}'`,
    `reduce distinct < <(${mapped})`]) {
    const out = sh(`${MRPIPE} ${cmd} 2>/dev/null | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`);
    t.is(out.toString().trim(), '0', cmd);
  }
});

test('every command has --help with examples', async (t) => {
  for (const cmd of ['sort', 'wordcount', 'run', 'map', 'combine', 'reduce', 'recipes']) {
    const r = await mrpipe([cmd, '--help']);
    t.is(r.status, 0, cmd);
    t.regex(r.stdout.toString(), /Example/, cmd);
  }
});
