// `mrpipe run` and Hadoop Streaming's `mrpipe map` share one record core (lib/job/records.ts): the same bad
// record gives the same message (file, line, byte offset, what to do) and the same skipping and counting.
// The runtime adds only its task and byte range (`[task map-0 reads bytes 0-EOF of F]`).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from './helpers.ts';

const JOB = `export default {
  input: 'jsonl',
  map(r, emit) { if (r.k === 'boom') throw new Error('no boom please'); emit(String(r.k), 1); },
  reduce: 'sum',
};
`;

/** The message of a failed command, without its `mrpipe CMD: ` and the runtime's task suffix. */
function message(stderr: string, cmd: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith(`mrpipe ${cmd}: `)) ?? '';
  return line.slice(`mrpipe ${cmd}: `.length).replace(/ \[task map-0 reads bytes 0-EOF of [^\]]*\]/, '');
}

const CASES: Array<[string, string, string[], RegExp]> = [
  ['text that is not JSON', '{"k":"a"}\n{"k":\n', [], /^in\.jsonl line 2 \(byte 10\): SyntaxError: not JSON: .* — fix the record, or skip bad ones with --bad-records N$/],
  ['a map that throws', '{"k":"a"}\n\n{"k":"boom"}\n', [], /^in\.jsonl line 3 \(byte 11\): Error: no boom please — fix the record, or skip bad ones with --bad-records N$/],
  ['bad records past the allowance', 'nope\n{"k":"a"}\n{"k":"boom"}\n', ['--bad-records', '1'], /^in\.jsonl line 3 \(byte 15\): more than 1 bad records; the last: Error: no boom please — fix the input or raise --bad-records$/],
  ['an overlong line past the allowance', `${'x'.repeat(40)}\n{"k":"a"}\n"${'y'.repeat(40)}"\n`, ['--bad-records', '1', '--max-line-bytes', '32'], /^in\.jsonl line 3 \(byte 51\): more than 1 bad records; the last: RangeError: line longer than maxLineBytes \(32 bytes\) — fix the input/],
  ['an overlong line, no allowance', `{"k":"a"}\n${'x'.repeat(40)}\n`, ['--max-line-bytes', '32'], /^in\.jsonl: line 2 \(byte offset 10\) is longer than maxLineBytes \(32 bytes\)\. Raise it with --max-line-bytes SIZE/],
];

for (const [what, input, flags, expected] of CASES) {
  test(`${what}: mrpipe run and mrpipe map fail with one message`, async (t) => {
    const { dir, cleanup } = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'job.mjs'), JOB);
      fs.writeFileSync(path.join(dir, 'in.jsonl'), input);
      const run = await mrpipe(['run', 'job.mjs', 'in.jsonl', ...flags, '-q'], '', {}, dir);
      const map = await mrpipe(['map', 'job.mjs', 'in.jsonl', ...flags], '', {}, dir);
      t.is(run.status, 1, run.stderr);
      t.is(map.status, 1, map.stderr);
      t.regex(message(run.stderr, 'run'), expected, run.stderr);
      t.is(message(map.stderr, 'map'), message(run.stderr, 'run'), map.stderr);
    } finally {
      cleanup();
    }
  });
}

test('within the allowance both skip the same records and count them in mrpipe.badRecords', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'job.mjs'), JOB);
    fs.writeFileSync(path.join(dir, 'in.jsonl'), `{"k":"a"}\nnope\n{"k":"boom"}\n${'x'.repeat(40)}\n{"k":"a"}\n`);
    const flags = ['--bad-records', '3', '--max-line-bytes', '32'];
    const run = await mrpipe(['run', 'job.mjs', 'in.jsonl', ...flags, '--counters'], '', {}, dir);
    const map = await mrpipe(['map', 'job.mjs', 'in.jsonl', ...flags], '', {}, dir);
    t.is(run.status, 0, run.stderr);
    t.is(map.status, 0, map.stderr);
    t.is(run.stdout.toString(), 'a\t2\n');
    t.is(map.stdout.toString(), 'a\t1\na\t1\n');
    t.regex(run.stderr, /mrpipe\.badRecords\s+3/);
    t.regex(map.stderr, /reporter:counter:mrpipe,badRecords,3/);
    // Hadoop keeps a task's stderr: each skipped record is named there, where the runtime names it.
    t.regex(map.stderr, /skipped bad record at in\.jsonl line 2 \(byte 10\): SyntaxError: not JSON/);
    t.regex(map.stderr, /skipped bad record at in\.jsonl line 3 \(byte 15\): Error: no boom please/);
    t.regex(map.stderr, /skipped bad record at in\.jsonl line 4 \(byte 28\): RangeError: line longer than maxLineBytes \(32 bytes\)/);
  } finally {
    cleanup();
  }
});
