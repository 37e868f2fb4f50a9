// F6: one huge line (or word) is held about twice at most, never four times: peak RSS of `mrpipe sort` and
// `mrpipe wordcount` on a single huge line stays within the process's own baseline (the same command on a
// one-line input, measured in the same run) + 2 x the line + the budget. GNU sort's figure is 1 x + budget.
// 20 MB in the default suite; 200 MB (the finding's size) with MRPIPE_LONG_TESTS=1.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, LONG } from './helpers.ts';

const MB = 1e6;
const LINE = (LONG ? 200 : 20) * MB;
/**
 * On top of 2 x the line: allocator and GC slack (a loaded machine's runs varied by ~5 MB), and the buffers a
 * command makes only for a big input, which the one-line baseline does not (wordcount's read chunks and
 * text ring: ~8 MB). A third copy of the line (20 MB) is still well past it.
 */
const SLACK = 16 * MB;

/** Peak RSS in bytes of `mrpipe ARGS` (output discarded), from /usr/bin/time. */
function peakRss(args: string[]): number {
  // `> /dev/null` as a shell opens it: write-only (a read-write /dev/null stdout counts as closed, see io.ts).
  const r = spawnSync('sh', ['-c', '"$@" > /dev/null', 'sh', '/usr/bin/time', '-f', '%M', process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`mrpipe ${args.join(' ')} failed: ${err}`);
  return Number(err.trim().split('\n').pop()) * 1024;
}

function withLines(fn: (huge: string, one: string, dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-huge-'));
  try {
    const huge = path.join(dir, 'huge');
    const fd = fs.openSync(huge, 'w');
    const block = Buffer.alloc(1 << 20, 'a');
    for (let left = LINE; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(left, block.length));
    fs.writeSync(fd, '\nb\n');
    fs.closeSync(fd);
    const one = path.join(dir, 'one');
    fs.writeFileSync(one, 'a\nb\n');
    fn(huge, one, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, budget, args] of [
  ['sort -S 1M', 1 << 20, ['sort', '-S', '1M']],
  ['wordcount --memory 1MB', 1e6, ['wordcount', '--memory', '1MB']],
] as const) {
  test(`${name} on one ${LINE / MB} MB line: peak RSS <= baseline + 2 x line + budget`, (t) => {
    withLines((huge, one, dir) => {
      const base = peakRss([...args, '-T', dir, one]);
      const peak = peakRss([...args, '-T', dir, huge]);
      t.log(`baseline ${(base / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (${((peak - base) / LINE).toFixed(2)} x the line)`);
      t.true(peak <= base + 2 * LINE + budget + SLACK, `peak ${peak} > ${base} + 2 x ${LINE} + ${budget} + ${SLACK}`);
    });
  });
}
