// A job with the built-in 'words' map and a 'sum' reduce runs on the word-count engine (word-job.ts): the
// same part files, counters and bad-record behaviour as the general path (the same job with its map written
// as a function), and the same bytes as `mrpipe wordcount` and `tr | sort | uniq -c`.
import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../../lib/runtime/run-job.ts';
import type { Job, RunOptions } from '../../lib/job/types.ts';
import { words } from '../../operators/shuffle/keyed/builtins.ts';
import { mrpipe, sh } from '../cli/helpers.ts';
import { tempDir } from './helpers.ts';
import { scale } from '../long.ts';

const engineJob: Job = { name: 'wc', map: 'words', combine: 'sum', reduce: 'sum', encoding: 'latin1' };
/** The same job on the general path: a map function the runtime does not recognise as the built-in. */
const generalJob: Job = { ...engineJob, map: (line: string, emit) => words(line, emit) };

/** Counters both paths report alike (spills and merge passes are each engine's own). */
const SHARED = ['badRecords', 'bytesRead', 'mapInputRecords', 'mapOutputRecords', 'outputRecords', 'reduceInputGroups', 'reduceTasks'];

function files(out: string): Record<string, Buffer> {
  const r: Record<string, Buffer> = {};
  for (const n of readdirSync(out).filter((n) => n.startsWith('part-'))) r[n] = readFileSync(join(out, n));
  return r;
}

async function both(dir: string, input: string, opts: Partial<RunOptions>, tag: string) {
  const run = async (job: Job, name: string) => {
    const output = join(dir, `${tag}-${name}`);
    try {
      const r = await runJob(job, { inputs: [input], output, workers: 1, tmpDir: dir, ...opts });
      const c = r.counters.mrpipe;
      return { parts: files(output), counters: Object.fromEntries(SHARED.filter((k) => k in c).map((k) => [k, c[k]])), error: undefined };
    } catch (err) {
      return { parts: {}, counters: {} as Record<string, number>, error: (err as Error).message.replace(/ \[task .*\]$/, '') };
    }
  };
  return { engine: await run(engineJob, 'engine'), general: await run(generalJob, 'general') };
}

const TEXT = [
  'alpha beta  gamma\r\n', 'beta\tdelta\r\n', 'lone\rcr stays a separator\n', '\n', 'nul\0byte caf\xe9 \xff\xfe invalid\n',
  `${'long'.repeat(5000)} beta ${'w'.repeat(70_000)}\n`, 'x\vy\fz\n', 'no final newline alpha',
].join('');

test('run wordcount equals mrpipe wordcount and tr | sort | uniq -c (CRLF, lone CR, NUL, invalid UTF-8, long words, spills, helpers)', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    // ~6 MiB: past the 4 MiB after which the engine starts a helper thread; --memory 1MB spills many runs.
    const filler = Array.from({ length: 120_000 }, (_, i) => `w${(i * 7919) % 50_021} v${i % 97} ${i}\n`).join('');
    writeFileSync(input, Buffer.from(TEXT + '\n' + filler + TEXT, 'latin1'));
    const oracle = sh(`tr -s ' \\t\\n\\v\\f\\r' '\\n' < '${input}' | grep -av '^$' | sort | uniq -c | awk '{ c = $1; sub(/^ *[0-9]+ /, ""); printf "%s\\t%d\\n", $0, c }'`);
    const wc = await mrpipe(['wordcount', '--memory', '1MB', '--workers', '2', input]);
    t.is(wc.status, 0, wc.stderr);
    for (const args of [['--memory', '64MB', '--workers', '2'], ['--memory', '4MB', '--workers', '1', '--chunk-size', '1000']]) {
      const run = await mrpipe(['run', 'wordcount', '--counters', ...args, input]);
      t.is(run.status, 0, run.stderr);
      if (args[1] === '4MB') t.regex(run.stderr, /mrpipe\.spills\t[1-9]/);
      t.true(run.stdout.equals(wc.stdout), `run wordcount ${args.join(' ')} differs from mrpipe wordcount`);
      t.true(run.stdout.equals(oracle), `run wordcount ${args.join(' ')} differs from tr | sort | uniq -c`);
    }
    const inline = await mrpipe(['run', '--map', 'words', '--reduce', 'sum', '--memory', '16MB', input]);
    t.is(inline.status, 0, inline.stderr);
    t.true(inline.stdout.equals(wc.stdout), 'run --map words --reduce sum');
  } finally {
    cleanup();
  }
});

test('-o with --reducers 3: the engine writes the same part files and counters as the general path', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, Buffer.from(TEXT.repeat(50), 'latin1'));
    const r = await both(dir, input, { reducers: 3, memory: '4MB', chunkSize: 777 }, 'r3');
    t.is(r.engine.error, undefined);
    t.deepEqual(Object.keys(r.engine.parts), ['part-00000', 'part-00001', 'part-00002']);
    t.deepEqual(r.engine.parts, r.general.parts);
    t.deepEqual(r.engine.counters, r.general.counters);
    // Through the CLI too: _SUCCESS and _COUNTERS.json committed beside the parts.
    const out = join(dir, 'cli-out');
    const cli = await mrpipe(['run', 'wordcount', input, '-o', out, '--reducers', '3', '--streaming', 'on', '-q']);
    t.is(cli.status, 0, cli.stderr);
    t.deepEqual(readdirSync(out).sort(), ['_COUNTERS.json', '_SUCCESS', 'part-00000', 'part-00001', 'part-00002']);
    t.deepEqual(files(out), r.general.parts);
    const counters = JSON.parse(readFileSync(join(out, '_COUNTERS.json'), 'utf8')).mrpipe;
    t.is(counters.mapOutputRecords, r.general.counters.mapOutputRecords);
    // The recipe's map is the built-in function: the engine ran (a map task of the general path writes a
    // run per part, 3; the engine's runs are its table spills: none or one here).
    t.true(counters.spilledRuns < 3, `spilledRuns ${counters.spilledRuns}`);
  } finally {
    cleanup();
  }
});

test('a small file gets a table sized to it (32 bytes a byte), which holds every word: no spill, the oracle\'s counts', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    // The densest input for the sizing: all-distinct words of 1-4 bytes, one blank each, ~1.2 MB, so the
    // table is 32 x its size (above the 16 MiB floor) and far below the 256 MB budget.
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const distinct: string[] = [];
    for (const a of alphabet) {
      distinct.push(a);
      for (const b of alphabet) {
        distinct.push(a + b);
        for (const c of alphabet) {
          distinct.push(a + b + c);
          if (distinct.length < 250_000) for (const d of alphabet) distinct.push(a + b + c + d);
        }
      }
    }
    const input = join(dir, 'small.txt');
    writeFileSync(input, distinct.map((w, i) => (i % 20 === 19 ? `${w}\n` : `${w} `)).join('') + 'a\n');
    const oracle = sh(`tr -s ' \\n' '\\n' < '${input}' | grep -av '^$' | sort | uniq -c | awk '{ printf "%s\\t%d\\n", $2, $1 }'`);
    const run = await mrpipe(['run', 'wordcount', '--counters', '--workers', '1', input]);
    t.is(run.status, 0, run.stderr);
    t.regex(run.stderr, /mrpipe\.spills\t0\b/);
    t.true(run.stdout.equals(oracle), 'run wordcount differs from tr | sort | uniq -c');
  } finally {
    cleanup();
  }
});

test('bad records: an overlong line fails naming file, line and offset, or is skipped and counted, as on the general path', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, `a b\n${'x'.repeat(3000)} y\nc a\r\n${'z '.repeat(1000)}\r\nlast ${'q'.repeat(2000)}`);
    const fail = await both(dir, input, { maxLineBytes: 1000, chunkSize: 512 }, 'fail');
    t.regex(fail.engine.error ?? '', /in\.txt: line 2 \(byte offset 4\) is longer than maxLineBytes \(1000 bytes\)/);
    t.is(fail.engine.error, fail.general.error);
    const skip = await both(dir, input, { maxLineBytes: 1000, chunkSize: 512, badRecords: 3 }, 'skip');
    t.is(skip.engine.error, undefined);
    t.is(skip.engine.counters.badRecords, 3);
    t.deepEqual(skip.engine, skip.general);
    const over = await both(dir, input, { maxLineBytes: 1000, chunkSize: 512, badRecords: 2 }, 'over');
    t.regex(over.engine.error ?? '', /more than 2 bad records/);
    t.is(over.engine.error, over.general.error);
  } finally {
    cleanup();
  }
});

test('a last line with no LF that ends in CR: the CR counts toward the line limit, as on the general path', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    writeFileSync(input, 'a\nalong-word-aa\r'); // 14 bytes, CR included: over a limit of 13
    for (const chunkSize of [3, 64]) {
      const r = await both(dir, input, { maxLineBytes: 13, chunkSize }, `cr${chunkSize}`);
      t.regex(r.engine.error ?? '', /line 2 .* is longer than maxLineBytes \(13 bytes\)/);
      t.deepEqual(r.engine, r.general);
    }
  } finally {
    cleanup();
  }
});

test('property: any text, any chunking, any line limit: the engine equals the general path', async (t) => {
  const { dir, cleanup } = tempDir();
  let n = 0;
  try {
    const piece = fc.constantFrom('a', 'b', 'ab', ' ', '  ', '\t', '\r', '\n', '\r\n', '\v', '\f', '\0', '\xff', 'long-word-');
    await fc.assert(fc.asyncProperty(
      fc.array(piece, { maxLength: 80 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 3, max: 30 }), fc.constantFrom<'fail' | number>('fail', 0, 2, 100),
      fc.integer({ min: 1, max: 3 }),
      async (pieces, chunkSize, maxLineBytes, badRecords, reducers) => {
        const input = join(dir, `p${++n}.txt`);
        writeFileSync(input, Buffer.from(pieces.join(''), 'latin1'));
        const r = await both(dir, input, { chunkSize, maxLineBytes, badRecords, reducers }, `p${n}`);
        t.deepEqual(r.engine, r.general);
        return true;
      },
    ), { numRuns: scale(25, 60) });
  } finally {
    cleanup();
  }
});
