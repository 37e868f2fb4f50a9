// Job modules the reliability tests run, written as plain .mjs files into the test's temp dir (a job
// file needs no mrpipe import). Kept as source text so broken ones (syntax errors, no map) cannot break
// the project's typecheck and lint.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A byte-exact word count (latin1: one char per byte, so keys print back as the input bytes) with faults
 * on cue, so it can be compared with `tr | sort | uniq -c`:
 * - "SLOW": sleeps MRPIPE_TEST_SLOW_MS (default 20) ms; the first one writes `<input>.slow` (reading has begun);
 * - "EXIT": ends the worker thread the first time (a marker file `<input>.exited` remembers it);
 * - "WAIT": writes `<input>.waiting`, then blocks until the test creates `<input>.go` (at most 2 min: it only bounds an orphan);
 * - "CRASH": ends the worker thread every time; "BOOM": throws; "HOG": allocates without bound.
 */
export const FAULTY_WORDCOUNT = `
import { existsSync, writeFileSync } from 'node:fs';
const pause = new Int32Array(new SharedArrayBuffer(4));
const hog = [];
export default {
  name: 'faulty-wordcount',
  encoding: 'latin1',
  map(line, emit, ctx) {
    if (line === 'SLOW') {
      const marker = ctx.file + '.slow';
      if (!existsSync(marker)) writeFileSync(marker, '');
      Atomics.wait(pause, 0, 0, Number(process.env.MRPIPE_TEST_SLOW_MS ?? 20));
    } else if (line === 'WAIT') {
      writeFileSync(ctx.file + '.waiting', '');
      for (let i = 0; i < 12000 && !existsSync(ctx.file + '.go'); i++) Atomics.wait(pause, 0, 0, 10);
    } else if (line === 'EXIT') {
      const marker = ctx.file + '.exited';
      if (!existsSync(marker)) { writeFileSync(marker, ''); process.exit(7); }
    } else if (line === 'CRASH') {
      process.exit(9);
    } else if (line === 'BOOM') {
      throw new Error('boom on purpose');
    } else if (line === 'HOG') {
      for (;;) hog.push('x'.repeat(1000) + hog.length);
    }
    for (const w of line.split(/[ \\t\\n\\v\\f\\r]+/)) if (w !== '') emit(w, 1);
  },
  combine: 'sum',
  reduce: 'sum',
};
`;

/** JSON records: counts records per value of field "k" (any JSON value, printed as JSON). */
export const FIELD_COUNT = `
export default {
  name: 'field-count',
  input: process.env.MRPIPE_TEST_FORMAT ?? 'jsonl',
  map(rec, emit) { emit(JSON.stringify(rec?.k ?? null), 1); },
  reduce: 'sum',
};
`;

/** Writes `source` as `name` (.mjs) into dir; returns its path. */
export function writeJob(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}
