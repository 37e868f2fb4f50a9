// `mrpipe map/reduce` take flags for two forms: the Hadoop Streaming line protocol and the run-file forms
// (`map --partitions`, `reduce --runs`, what `mrpipe submit` runs). A flag of one form given to the other
// was ignored with exit 0; it is a usage error (2) naming the flag, and nothing is written.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from './helpers.ts';

const LINE_FORM: Array<[string[], string]> = [
  [['map', 'wordcount', '--task-id', 'm-1'], '--task-id'],
  [['map', 'wordcount', '-m', '64MB'], '--memory'],
  [['map', 'wordcount', '--start', '0'], '--start'],
  [['map', 'wordcount', '--end', '10'], '--end'],
  [['map', 'wordcount', '--run-dir', 'runs'], '--run-dir'],
  [['reduce', 'wordcount', '--task-id', 'r-1'], '--task-id'],
  [['reduce', 'wordcount', '--memory', '64MB'], '--memory'],
];

for (const [args, flag] of LINE_FORM) {
  test(`${args.join(' ')}: a run-file flag on the line protocol is a usage error naming ${flag}`, async (t) => {
    const r = await mrpipe(args, args[0] === 'map' ? 'a b a\n' : 'a\t1\n');
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`${flag} applies to the run-file form`));
    t.is(r.stdout.length, 0);
  });
}

test('map --partitions with -o is a usage error: its runs go to --run-dir, its manifest to stdout', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'a b a\n');
    const out = path.join(dir, 'out.txt');
    const r = await mrpipe(['map', 'wordcount', input, '--partitions', '2', '--run-dir', path.join(dir, 'runs'), '-o', out]);
    t.is(r.status, 2, r.stderr);
    t.regex(r.stderr, /-o does not apply to `mrpipe map --partitions`/);
    t.false(fs.existsSync(out));
  } finally {
    cleanup();
  }
});

test('the run-file forms still take their flags', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'a b a\n');
    const runs = path.join(dir, 'runs');
    const m = await mrpipe(['map', 'wordcount', input, '--partitions', '1', '--run-dir', runs, '--task-id', 'map-7', '-m', '64MB']);
    t.is(m.status, 0, m.stderr);
    const manifest = JSON.parse(m.stdout.toString()) as { runs: string[][] };
    const part = path.join(dir, 'part-00000');
    const r = await mrpipe(['reduce', 'wordcount', '--runs', ...manifest.runs[0].map((n) => path.join(runs, n)), '-o', part, '--task-id', 'reduce-0', '-m', '64MB']);
    t.is(r.status, 0, r.stderr);
    t.is(fs.readFileSync(part, 'utf8'), 'a\t2\nb\t1\n');
  } finally {
    cleanup();
  }
});
