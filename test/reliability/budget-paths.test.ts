// The job's byte budget holds on every path `mrpipe run` can take: below --threshold (where `auto` used to
// take the in-memory path whatever --memory said), a JSON array, a .gz file, a map that emits far more than
// its input, a line or a key bigger than a task's heap. Peak RSS of the real CLI is measured by
// /usr/bin/time against --memory + the fixed overhead docs/RUNTIME.md states (never a time). Also: user code
// that calls process.exit on the in-memory path, SIGINT on it, and flags a run cannot honour.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, cli, emptyDir, gnuWordCount, inTempDir, LONG, signalWhen } from './helpers.ts';

const MiB = 1 << 20;
/** docs/RUNTIME.md, "Fixed overhead": about 150 MB (main thread and two workers, from .ts sources). */
const FIXED_OVERHEAD = 150 * MiB;

interface Measured {
  status: number | null;
  stderr: string;
  stdout: Buffer;
  peak: number;
}

/** Runs `mrpipe ...args` under /usr/bin/time; peak RSS in bytes. */
function measured(dir: string, args: string[]): Measured {
  const rss = join(dir, 'rss');
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rss, process.execPath, BIN, ...args], {
    env: { ...process.env, MRPIPE_NO_PROGRESS: '1', LC_ALL: 'C' }, maxBuffer: 1 << 30,
  });
  const peak = Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) * 1024;
  return { status: r.status, stderr: r.stderr.toString(), stdout: r.stdout, peak };
}

const mb = (n: number) => `${(n / MiB).toFixed(1)} MB`;

/** Nothing of the job is left: no lock or staging dir beside OUT, nothing in -T. */
function leftovers(dir: string, tmp: string): string[] {
  return [...readdirSync(dir).filter((n) => n.includes('.mrpipe-')), ...readdirSync(tmp)];
}

/** `mrpipe generate text --high-cardinality`: a distinct word every ~9 bytes, the in-memory path's worst case. */
function highCardinality(path: string, size: string): void {
  const r = spawnSync(process.execPath, [BIN, 'generate', 'text', '--high-cardinality', '--size', size, '-o', path]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
}

for (const gz of [false, true]) {
  test(`high-cardinality text${gz ? ' as .gz' : ''} under --threshold: peak RSS within --memory 16MB + fixed overhead`, (t) => inTempDir(async (dir) => {
    const text = join(dir, 'hc.txt');
    highCardinality(text, '6MB');
    let input = text;
    if (gz) {
      // A .gz file's size is not its working set: this one is 2-3x smaller than the text it holds.
      input = join(dir, 'hc.txt.gz');
      writeFileSync(input, gzipSync(readFileSync(text)));
    }
    const r = measured(dir, ['run', 'wordcount', input, '--memory', '16MB', '--workers', '1', '-q']);
    t.is(r.status, 0, r.stderr);
    t.log(`peak ${mb(r.peak)}`);
    t.true(r.peak < 16 * MiB + FIXED_OVERHEAD, `peak ${mb(r.peak)} >= 16 MB + ${mb(FIXED_OVERHEAD)}`);
    t.true(r.stdout.equals(gnuWordCount(text)), 'same counts as tr | sort | uniq -c');
  }));
}

// Held whole, 3.4 MB of JSON array took 170 MB and 32 MB took 730 MB: 4.5 MB under --memory 16MB tells the two
// paths apart as 13.5 MB under 64MB does (test:long).
const JSON_RECORDS = LONG ? 300_000 : 100_000;
const JSON_MEMORY = LONG ? 64 : 16;
test(`a JSON array under --threshold is streamed: peak RSS within --memory ${JSON_MEMORY}MB + fixed overhead`, (t) => inTempDir(async (dir) => {
  const records = Array.from({ length: JSON_RECORDS }, (_, i) => JSON.stringify({ user: `u${(i * 7919) % 100_003}`, n: i, tags: ['a', 'b'] }));
  const input = join(dir, 'events.json');
  writeFileSync(input, `[${records.join(',\n')}]`);
  const job = join(dir, 'job.mjs');
  writeFileSync(job, "export default { name: 'j', input: 'json', map(r, emit) { emit(r.user, r.n); }, reduce: 'sum' };\n");
  const r = measured(dir, ['run', job, input, '--memory', `${JSON_MEMORY}MB`, '--workers', '1', '-q']);
  t.is(r.status, 0, r.stderr);
  t.log(`${mb(readFileSync(input).length)} of JSON: peak ${mb(r.peak)}`);
  t.true(r.peak < JSON_MEMORY * MiB + FIXED_OVERHEAD, `peak ${mb(r.peak)} >= ${JSON_MEMORY} MB + ${mb(FIXED_OVERHEAD)}`);
  t.is(r.stdout.toString().split('\n').filter(Boolean).length, Math.min(JSON_RECORDS, 100_003));
}));

test('a map that emits far more than its input outgrows the in-memory share: the job goes on streaming, within budget', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'small.txt');
  highCardinality(input, '300KB'); // 5 k lines of ~57 bytes, 50 keys each: 260 k distinct keys, 15 MB of key text
  const job = join(dir, 'fan.mjs');
  writeFileSync(job, "export default { name: 'fan', map(l, emit) { for (let i = 0; i < 50; i++) emit(l + i, 1); }, reduce: 'sum' };\n");
  const r = measured(dir, ['run', job, input, '--memory', '16MB', '--workers', '1', '--counters']);
  t.is(r.status, 0, r.stderr);
  t.log(`peak ${mb(r.peak)}`);
  t.true(r.peak < 16 * MiB + FIXED_OVERHEAD, `peak ${mb(r.peak)} >= 16 MB + ${mb(FIXED_OVERHEAD)}`);
  t.regex(r.stderr, /mrpipe\.spills\t[1-9]/, 'it spilled: the streaming path finished the job');
  const streamed = await cli(['run', job, input, '--memory', '16MB', '--workers', '1', '--streaming', 'on', '-q']);
  t.true(r.stdout.equals(streamed.stdout), 'same output as a run forced onto the streaming path');
}));

test('process.exit in a map on the in-memory path leaves no lock, staging or work dir', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a b\nquit here\nc d\n');
  const job = join(dir, 'exit.mjs');
  writeFileSync(job, "export default { name: 'x', map(l, emit) { if (l.startsWith('quit')) process.exit(5); emit(l, 1); } };\n");
  const tmp = emptyDir(dir);
  const r = await cli(['run', job, input, '-o', join(dir, 'out'), '-T', tmp, '--streaming', 'off']);
  t.is(r.status, 5, 'the exit status the map chose');
  t.deepEqual(leftovers(dir, tmp), []);
  t.false(existsSync(join(dir, 'out')));
}));

test('SIGINT on the in-memory path stops the map between chunks, cleans up, exits 130', (t) => inTempDir(async (dir) => {
  // The map marks the 1000th line and the last; the signal is sent at the first mark, and the job must stop
  // long before the second (it used to run the whole file as one chunk before the signal was seen).
  const input = join(dir, 'in.txt');
  writeFileSync(input, `${Array.from({ length: 1_500_000 }, (_, i) => `w${i % 1000} x${i}`).join('\n')}\nTHE END\n`);
  const job = join(dir, 'marks.mjs');
  writeFileSync(job, `import { writeFileSync } from 'node:fs';
let n = 0;
export default { name: 'marks', map(l, emit) {
  if (++n === 1000) writeFileSync(${JSON.stringify(join(dir, 'started'))}, '');
  // Past the mark, slow down (1 ms every 100 lines) so an idle machine cannot finish before the signal lands.
  if (n > 1000 && n % 100 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  if (l === 'THE END') writeFileSync(${JSON.stringify(join(dir, 'finished'))}, '');
  emit(l.slice(0, 4), 1);
}, reduce: 'sum' };
`);
  const tmp = emptyDir(dir);
  const r = await signalWhen(['run', job, input, '-o', join(dir, 'out'), '-T', tmp, '--streaming', 'off', '-q'],
    () => existsSync(join(dir, 'started')), 'the map to reach line 1000', 'SIGINT');
  t.true(r.signal === 'SIGINT' || r.status === 130, `${r.signal} ${r.status} ${r.stderr}`);
  t.false(existsSync(join(dir, 'finished')), 'the map did not run to the end of the input');
  t.deepEqual(leftovers(dir, tmp), []);
}));

/** A file of one line of `bytes` bytes (one word). */
function oneLongLine(path: string, bytes: number): void {
  writeFileSync(path, `${'ab'.repeat(bytes / 2)}\n`);
}

for (const path of ['on', 'off']) {
  test(`a line bigger than a task's heap (--streaming ${path}): exit 1 naming file, line and offset; nothing left`, (t) => inTempDir(async (dir) => {
    const input = join(dir, 'long.txt');
    oneLongLine(input, (LONG ? 30 : 12) * MiB); // over the 10 MiB a task holds at --memory 16MB
    const tmp = emptyDir(dir);
    const r = await cli(['run', 'wordcount', input, '-o', join(dir, 'out'), '-T', tmp, '--max-line-bytes', '64MB',
      '--memory', '16MB', '--workers', '1', '--streaming', path]);
    t.is(r.status, 1, r.stderr);
    t.notRegex(r.stderr, /FATAL|heap out of memory|\n\s+at /);
    t.regex(r.stderr, /long\.txt: line 1 \(byte offset 0\) is longer than 10\.0 MiB, the longest line a task can hold/);
    t.regex(r.stderr, /raise --memory or lower --workers/);
    t.deepEqual(leftovers(dir, tmp), []);
  }));
}

test('a line under the cap still works at a small budget (12 MB of word at --memory 16MB would not fit; 8 MB does)', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'long.txt');
  oneLongLine(input, 8 * MiB);
  const r = await cli(['run', 'wordcount', input, '--max-line-bytes', '64MB', '--memory', '16MB', '--workers', '1', '--streaming', 'on', '-q']);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.length, 8 * MiB + 3);
}));

test('emitting a 64 MB key on the streaming path: exit 1 naming the record, nothing left', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'one\n');
  const job = join(dir, 'bigkey.mjs');
  writeFileSync(job, "export default { name: 'k', map(l, emit) { emit('k'.repeat(64 << 20), 1); } };\n");
  const tmp = emptyDir(dir);
  const r = await cli(['run', job, input, '-o', join(dir, 'out'), '-T', tmp, '--memory', '16MB', '--workers', '1', '--streaming', 'on']);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /in\.txt line 1 \(byte 0\): RangeError: emit: a key of 67108864 chars is more than the \d+ a task can hold/);
  t.deepEqual(leftovers(dir, tmp), []);
}));

test('flags a run cannot honour are usage errors naming the flag', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a b\n');
  const cases: [string[], RegExp][] = [
    [['--output-format', 'xml'], /--output-format applies to an inline job/],
    [['--input-format', 'nonsense'], /--input-format applies to an inline job/],
    [['--output-format', 'jsonl'], /--output-format applies to an inline job/],
    [['--resume'], /--resume needs -o OUT/],
    [['--overwrite'], /--overwrite needs -o OUT/],
    [['--reducers', '3'], /--reducers above 1 needs -o OUT/],
  ];
  for (const [flags, message] of cases) {
    const r = await cli(['run', 'wordcount', input, ...flags]);
    t.is(r.status, 2, flags.join(' '));
    t.regex(r.stderr, message);
    t.is(r.stdout.length, 0);
  }
  const inline = await cli(['run', '--map', '(l, emit) => emit(l, 1)', '--output-format', 'jsonl', input]);
  t.is(inline.status, 0, inline.stderr);
  t.is(inline.stdout.toString(), '{"key":"a b","value":1}\n');
}));

test('--memory above 8 GB per worker (9GB, 1TB on one worker) runs; 150% is a usage error; never a RangeError', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a b a\n');
  const runs = [['run', 'wordcount', '--streaming', 'on'], ['run', 'wordcount', '--streaming', 'auto'], ['wordcount']];
  for (const memory of ['9GB', '1TB', '150%']) {
    for (const command of runs) {
      const r = await cli([...command, input, '--memory', memory, '--workers', '1']);
      const what = `${command.join(' ')} --memory ${memory}: ${r.stderr}`;
      t.notRegex(r.stderr, /RangeError|\n\s+at /, what);
      if (memory === '150%') {
        // More than all of RAM: the size parser refuses it (plumbing/sizes.ts).
        t.is(r.status, 2, what);
        t.regex(r.stderr, /--memory: '150%' is more than all of RAM/);
      } else {
        t.is(r.status, 0, what);
        t.is(r.stdout.toString(), 'a\t2\nb\t1\n');
      }
    }
  }
}));

if (LONG) {
  test('a 200 MB line with --max-line-bytes 300MB --memory 16MB: exit 1 naming it, nothing left (npm run test:long)', (t) => inTempDir(async (dir) => {
    const input = join(dir, 'huge.txt');
    oneLongLine(input, 200 * MiB);
    const tmp = emptyDir(dir);
    const r = measured(dir, ['run', 'wordcount', input, '-o', join(dir, 'out'), '-T', tmp, '--max-line-bytes', '300MB', '--memory', '16MB']);
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /huge\.txt: line 1 \(byte offset 0\) is longer than/);
    t.log(`peak ${mb(r.peak)}`);
    t.true(r.peak < 16 * MiB + FIXED_OVERHEAD, `peak ${mb(r.peak)}`);
    t.deepEqual(leftovers(dir, tmp), []);
  }));
}
