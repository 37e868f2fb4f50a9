// Bounded memory on stdin: a large input generated on the fly and piped in, peak RSS of the mrpipe
// process measured by /usr/bin/time (never the time). The default size keeps the suite fast; set
// MRPIPE_LONG_TESTS=1 for several GB (the ceilings stay the same: memory does not grow with the input).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { sh, tempDir, MRPIPE } from './helpers.ts';

const LONG = process.env.MRPIPE_LONG_TESTS === '1';
const SIZE = LONG ? '4GB' : '200MB';
// Node's own footprint (~45 MB) plus the budget, GC slack and I/O buffers; below the input's size, so the
// input cannot have been held.
const CEILING_MB = 170;

function peakRssMb(consumer: string, kind = 'text'): number {
  const { dir, cleanup } = tempDir();
  try {
    const rss = path.join(dir, 'rss');
    sh(`${MRPIPE} generate ${kind} --size ${SIZE} --seed 3 | /usr/bin/time -f %M -o '${rss}' ${consumer.replace('{tmp}', dir)} > /dev/null`);
    return Number(fs.readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024;
  } finally {
    cleanup();
  }
}

test(`sort -S 16M of ${SIZE} on stdin stays under ${CEILING_MB} MB RSS`, (t) => {
  const mb = peakRssMb(`${MRPIPE} sort -S 16M -T {tmp}`);
  t.log(`peak RSS ${mb.toFixed(0)} MB`);
  t.true(mb < CEILING_MB, `${mb} MB`);
});

test(`wordcount --memory 32MB of ${SIZE} on stdin stays under ${CEILING_MB} MB RSS`, (t) => {
  const mb = peakRssMb(`${MRPIPE} wordcount --memory 32MB -T {tmp}`);
  t.log(`peak RSS ${mb.toFixed(0)} MB`);
  t.true(mb < CEILING_MB, `${mb} MB`);
});

test(`map | sort | reduce (Hadoop Streaming mode) of ${SIZE} logs: each step under ${CEILING_MB} MB RSS`, (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const a = path.join(dir, 'map.rss');
    const b = path.join(dir, 'reduce.rss');
    sh(`${MRPIPE} generate logs --size ${SIZE} | /usr/bin/time -f %M -o '${a}' ${MRPIPE} map logs 2>/dev/null`
      + ` | sort -t$'\\t' -k1,1 -s -S 32M -T '${dir}' | /usr/bin/time -f %M -o '${b}' ${MRPIPE} reduce logs 2>/dev/null > /dev/null`);
    for (const f of [a, b]) {
      const mb = Number(fs.readFileSync(f, 'utf8').trim().split('\n').pop()) / 1024;
      t.log(`${path.basename(f)}: peak RSS ${mb.toFixed(0)} MB`);
      t.true(mb < CEILING_MB, `${f}: ${mb} MB`);
    }
  } finally {
    cleanup();
  }
});
