// `mrpipe run` flags that the path a run takes cannot honour are usage errors (2) naming the flag, never
// ignored: the map-task plan (--map-tasks, --split-size, --threshold) under --streaming off, which runs no
// map tasks, and --counters with -q. (reliability/budget-paths.test.ts
// has the -o and inline-job ones.)
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from './helpers.ts';

const CASES: Array<[string[], RegExp]> = [
  [['--streaming', 'off', '--map-tasks', '3'], /--map-tasks plans map tasks; the in-memory path \(--streaming off\) runs none/],
  [['--streaming', 'off', '--split-size', '1MB'], /--split-size plans map tasks; the in-memory path \(--streaming off\) runs none/],
  [['--streaming', 'false', '--threshold', '1MB'], /--threshold plans map tasks; the in-memory path \(--streaming off\) runs none/],
  [['--counters', '-q'], /--counters and -q contradict each other/],
];

test('flags the chosen path cannot honour are usage errors naming the flag; the same flags where they apply run', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'a b a\n');
    const map = ['--map', '(l, emit) => { for (const w of l.split(" ")) emit(w, 1); }', '--reduce', 'sum'];
    for (const [flags, message] of CASES) {
      const r = await mrpipe(['run', ...map, input, ...flags]);
      t.is(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
      t.regex(r.stderr, message);
      t.is(r.stdout.length, 0);
    }
    // --threshold also says which files the streaming path splits: honoured under --streaming on.
    for (const flags of [['--streaming', 'on', '--threshold', '1MB', '--map-tasks', '2'], ['--streaming', 'auto', '--split-size', '1MB'], ['--counters']]) {
      const r = await mrpipe(['run', ...map, input, ...flags]);
      t.is(r.status, 0, `${flags.join(' ')}: ${r.stderr}`);
      t.is(r.stdout.toString(), 'a\t2\nb\t1\n', flags.join(' '));
    }
  } finally {
    cleanup();
  }
});
