// Bounded memory on stdin: a large input generated on the fly and piped in, peak RSS of the mrpipe
// process measured by /usr/bin/time (never the time). Two bounds: under CEILING_MB, and grown over the
// same command on an empty input by less than 3/4 of the input (so the input cannot have been held). The
// peaks grow 25-38 MB over an empty input's whatever the size (28 MB on 24 MB), so the growth bound only
// tells holding from streaming on inputs of tens of MB: these run only under MRPIPE_LONG_TESTS=1
// (`npm run test:long`), on 4 GB. `npm test`'s small peak-RSS checks are in reliability/budget-paths.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sh, tempDir, MRPIPE } from './helpers.ts';
import { LONG } from '../long.ts';

const SIZE_MB = 4096;
const longTest = LONG ? test : test.skip;
const SIZE = `${SIZE_MB}MB`;
// Node's own footprint (~45 MB) plus the budget, GC slack and I/O buffers.
const CEILING_MB = 170;

function peakRssMb(consumer: string, kind = 'text', size = SIZE): number {
  const { dir, cleanup } = tempDir();
  try {
    const rss = path.join(dir, 'rss');
    const input = size === '0' ? 'true' : `${MRPIPE} generate ${kind} --size ${size} --seed 3`;
    sh(`${input} | /usr/bin/time -f %M -o '${rss}' ${consumer.replace('{tmp}', dir)} > /dev/null`);
    return Number(fs.readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024;
  } finally {
    cleanup();
  }
}

/** Peak RSS under CEILING_MB, and grown over an empty input's by less than 3/4 of the input (holding it would add all). */
function bounded(t: import('ava').ExecutionContext, what: string, mb: number, emptyMb: number): void {
  t.log(`${what}: peak RSS ${mb.toFixed(0)} MB (${emptyMb.toFixed(0)} MB on an empty input)`);
  t.true(mb < CEILING_MB, `${what}: ${mb} MB`);
  t.true(mb - emptyMb < SIZE_MB * 0.75, `${what}: grew ${mb - emptyMb} MB over an empty input's peak`);
}

longTest(`sort -S 16M of ${SIZE} on stdin stays under ${CEILING_MB} MB RSS`, (t) => {
  const sort = `${MRPIPE} sort -S 16M -T {tmp}`;
  bounded(t, 'sort', peakRssMb(sort), peakRssMb(sort, 'text', '0'));
});

longTest(`wordcount --memory 32MB of ${SIZE} on stdin stays under ${CEILING_MB} MB RSS`, (t) => {
  const wordcount = `${MRPIPE} wordcount --memory 32MB -T {tmp}`;
  bounded(t, 'wordcount', peakRssMb(wordcount), peakRssMb(wordcount, 'text', '0'));
});

longTest(`map | sort | reduce (Hadoop Streaming mode) of ${SIZE} logs: each step under ${CEILING_MB} MB RSS`, (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const a = path.join(dir, 'map.rss');
    const b = path.join(dir, 'reduce.rss');
    sh(`${MRPIPE} generate logs --size ${SIZE} | /usr/bin/time -f %M -o '${a}' ${MRPIPE} map logs 2>/dev/null`
      + ` | sort -t$'\\t' -k1,1 -s -S 32M -T '${dir}' | /usr/bin/time -f %M -o '${b}' ${MRPIPE} reduce logs 2>/dev/null > /dev/null`);
    const empty = { map: peakRssMb(`${MRPIPE} map logs`, 'logs', '0'), reduce: peakRssMb(`${MRPIPE} reduce logs`, 'logs', '0') };
    for (const [f, step] of [[a, 'map'], [b, 'reduce']] as const) {
      bounded(t, step, Number(fs.readFileSync(f, 'utf8').trim().split('\n').pop()) / 1024, empty[step]);
    }
  } finally {
    cleanup();
  }
});
