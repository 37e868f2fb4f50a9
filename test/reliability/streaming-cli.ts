// The Hadoop Streaming commands with -o FILE: SIGINT/SIGTERM stop them while they still read, commit
// nothing and leave no temp file (issue 16, F8: they were ignored until all input had been read, and the
// output was then committed). They read plain text, as a Hadoop Streaming task does, and say so (F18).
import test from 'ava';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir, startCliWhen } from './helpers.ts';

/** The temp file -o writes beside OUT, if it exists and has bytes. */
function tempWithBytes(dir: string): boolean {
  return readdirSync(dir).some((n) => n.startsWith('.out.tsv.mrpipe-') && statSync(join(dir, n)).size > 0);
}

const CASES: { cmd: string; line: (i: number) => string; sig: NodeJS.Signals }[] = [
  { cmd: 'map', line: (i) => `w${i % 1000} x y`, sig: 'SIGINT' },
  { cmd: 'reduce', line: (i) => `k${String(i).padStart(8, '0')}\t1`, sig: 'SIGTERM' },
  { cmd: 'combine', line: (i) => `k${String(i).padStart(8, '0')}\t1`, sig: 'SIGINT' },
];

for (const { cmd, line, sig } of CASES) {
  test(`${cmd} -o FILE stops on ${sig} while stdin is still open: nothing committed, no temp file`, (t) => inTempDir(async (dir) => {
    const out = join(dir, 'out.tsv');
    const run = await startCliWhen([cmd, 'wordcount', '-o', out], (child) => {
      // Feed stdin until the task has written part of its output (its temp file has bytes); never end it.
      if (!child.stdin!.writableNeedDrain) child.stdin!.write(Array.from({ length: 2000 }, (_, i) => line(i)).join('\n') + '\n');
      return tempWithBytes(dir);
    }, 'output in the temp file', { openStdin: true });
    run.child.kill(sig);
    // Then end stdin: a command that ignored the signal would now read EOF and commit its output.
    run.child.stdin!.end();
    const exit = await run.done;
    t.true(exit.signal === sig || exit.status === (sig === 'SIGINT' ? 130 : 143), `${exit.status} ${exit.signal}: ${exit.stderr}`);
    t.false(existsSync(out), 'nothing committed');
    t.deepEqual(readdirSync(dir), [], 'no temp file left');
  }));
}

test('map -o FILE: a job error in the task thread is reported as on the main thread, and nothing is left', (t) => inTempDir(async (dir) => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'a b\nc d\n');
  const r = await cli(['map', '--map', '(l, emit) => { if (l === "c d") throw new Error("broke") }', input, '-o', join(dir, 'out.tsv')]);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /in\.txt line 2 \(byte 4\): Error: broke/);
  t.deepEqual(readdirSync(dir), ['in.txt']);
  const ok = await cli(['map', 'wordcount', input, '-o', join(dir, 'out.tsv')]);
  t.is(ok.status, 0, ok.stderr);
  t.regex(ok.stderr, /reporter:counter:mrpipe,mapInputRecords,2/, 'the counters reach stderr');
}));

test('map, combine and reduce refuse .gz at once (exit 2, before reading stdin), and --help says so', async (t) => {
  for (const cmd of ['map', 'combine', 'reduce']) {
    const r = await cli([cmd, 'wordcount', 'in.txt.gz'], { openStdin: true });
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, /read plain text .*zcat in\.txt\.gz \| mrpipe/);
    const help = await cli([cmd, '--help']);
    t.regex(help.stdout.toString(), /\.gz is refused: zcat F\.gz \| mrpipe/, cmd);
  }
});
