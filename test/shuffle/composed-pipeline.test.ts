// The README's pipeline composed by hand from the operators — readChunks → splitLines → flatMap (the map) →
// combine → partitionStreams → externalSort → reduce → joinLines, one part file per partition, the first three
// in a pipe() (fused) or as stages apart — gives the
// bytes `mrpipe run` gives for the same job on one worker (the oracle: the real CLI on the same file).
// Budgets small enough that combine spills many times and every sort spills runs. And its peak RSS, as a
// real process (test:long): the budget + the documented overhead (docs/SHUFFLE.md, Memory).
import test from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  combine, externalSort, flatMap, joinLines, map, partitionStreams, pipe, readChunks, reduce, splitLines, type Pair,
} from '../../operators/index.ts';
import { mrpipe, tempDir } from '../cli/helpers.ts';
import { rng } from './helpers.ts';
import { LONG } from '../long.ts';

const BLANKS = /[ \t\r\v\f]+/;
const MAP = String.raw`(l, emit) => { for (const w of l.split(/[ \t\r\v\f]+/)) if (w) emit(w, 1) }`;

/** Text with many distinct words (ASCII, Latin-1, CJK, an astral char), CRLF and LF lines, blank runs. */
function text(bytes: number, seed: number): string {
  const r = rng(seed);
  const alphabet = ['a', 'b', 'c', 'd', 'e', 'é', 'ß', '中', '文', '😀', 'x', 'y', 'z', '0', '1'];
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const words: string[] = [];
    const n = Math.floor(r() * 12);
    for (let i = 0; i < n; i++) {
      let w = '';
      const len = 1 + Math.floor(r() * r() * 14);
      for (let j = 0; j < len; j++) w += alphabet[Math.floor(r() * r() * alphabet.length)];
      words.push(w);
    }
    const line = words.join(r() < 0.2 ? ' \t ' : ' ') + (r() < 0.3 ? '\r' : '');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n') + '\n';
}

async function composed(input: string, outDir: string, tmpDir: string, parts: number, memory: number, fused: boolean): Promise<void> {
  const words = (line: string): Pair<number>[] => {
    const out: Pair<number>[] = [];
    for (const w of line.split(BLANKS)) if (w) out.push([w, 1]);
    return out;
  };
  fs.mkdirSync(outDir);
  const { input: toPartitions, outputs } = partitionStreams<number>(parts);
  await Promise.all([
    fused // pipe() as the README's first example: the map's pairs go into combine's table as they are made
      ? pipeline(readChunks(input), pipe(splitLines(), flatMap(words), combine('sum', { memory: memory / 2 })), toPartitions)
      : pipeline(readChunks(input), splitLines(), flatMap(words), combine('sum', { memory: memory / 2 }), toPartitions),
    ...outputs.map((out, i) => pipeline(
      out,
      externalSort<Pair<number>>({ memory: memory / 2 / parts, tmpDir }),
      reduce('sum'),
      map(([k, v]: Pair<number>) => `${k}\t${v}`),
      joinLines(),
      fs.createWriteStream(path.join(outDir, `part-${String(i).padStart(5, '0')}`)),
    )),
  ]);
}

test('the composed README pipeline writes the same part files, byte for byte, as mrpipe run on one worker', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, text(3_000_000, 7));
    const parts = 3;
    const run = await mrpipe(['run', '--map', MAP, '--reduce', 'sum', '--workers', '1', '--reducers', String(parts),
      '--memory', '4MB', '-T', dir, '-o', path.join(dir, 'run'), input]);
    t.is(run.status, 0, run.stderr);
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const names = fs.readdirSync(path.join(dir, 'run')).filter((f) => f.startsWith('part-')).sort();
    for (const fused of [true, false]) {
      const out = path.join(dir, fused ? 'piped' : 'apart');
      await composed(input, out, tmp, parts, 1 << 20, fused);
      t.deepEqual(fs.readdirSync(out).sort(), names);
      for (const name of names) {
        const want = fs.readFileSync(path.join(dir, 'run', name));
        t.true(want.length > 0);
        t.true(fs.readFileSync(path.join(out, name)).equals(want), `${fused ? 'piped' : 'apart'}: ${name} differs`);
      }
      t.deepEqual(fs.readdirSync(tmp), [], 'every sorter removed its temp dir');
    }
  } finally {
    cleanup();
  }
});

/**
 * What a composed program costs besides its budget, with capYoungGeneration() (docs/SHUFFLE.md, Memory):
 * its own baseline, measured in the same test on a one-line input, plus up to this for what no stage holds
 * (old-space garbage between full GCs, malloc's arenas, the batches in flight).
 */
const COMPOSED_OVERHEAD = 40 * 2 ** 20;

// Tens of MB of work for one RSS figure: under test:long only.
(LONG ? test : test.skip)('peak RSS of the composed README pipeline: budget + the documented overhead, no Node flags', async (t) => {
  const { dir, cleanup } = tempDir();
  // The bench's program (built operators from dist/, as a user imports them), 3 partitions, 16 MiB.
  const program = path.join(import.meta.dirname, '..', '..', 'bench', 'scripts', 'readme-pipeline.ts');
  const budget = 16 * 2 ** 20;
  const run = async (input: string, out: string): Promise<number> => {
    const { stderr } = await promisify(execFile)(process.execPath, [program, input, path.join(dir, out), dir, '3', '16'],
      { env: { ...process.env, MRPIPE_BENCH_VERBOSE: '1' } });
    return (JSON.parse(stderr.trim().split('\n').at(-1)!) as { maxRSS: number }).maxRSS;
  };
  try {
    const one = path.join(dir, 'one.txt');
    fs.writeFileSync(one, 'x\n');
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, text(12_000_000, 11)); // ~550 k distinct words: combine spills, each sort merges runs
    await run(one, 'warm'); // fills Node's compile cache (ava.config.js), which the runs below then share
    const base = await run(one, 'one');
    const peak = await run(big, 'big');
    t.log(`baseline ${(base / 2 ** 20).toFixed(1)} MiB, peak ${(peak / 2 ** 20).toFixed(1)} MiB, budget 16 MiB`);
    const parts = fs.readdirSync(path.join(dir, 'big')).sort();
    t.deepEqual(parts, ['part-00000', 'part-00001', 'part-00002']);
    for (const p of parts) t.true(fs.statSync(path.join(dir, 'big', p)).size > 1e6);
    t.true(peak <= base + budget + COMPOSED_OVERHEAD, `peak ${peak} > ${base} + ${budget} + ${COMPOSED_OVERHEAD}`);
  } finally {
    cleanup();
  }
});

test('capYoungGeneration({ memory }) grows the young generation to a quarter of the budget (at most 16 MiB), then holds it; without memory it keeps its size', async (t) => {
  // Process-wide V8 flags: each case in a process of its own, importing the operators as a user does.
  const newSpace = async (call: string): Promise<{ before: number; after: number; later: number }> => {
    const program = `import v8 from 'node:v8';
import { capYoungGeneration } from ${JSON.stringify(path.join(import.meta.dirname, '..', '..', 'operators', 'index.ts'))};
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const before = size();
${call};
const after = size();
const kept = [];
for (let i = 0; i < 3e6; i++) { const a = [String(i), i]; if (i % 4 === 0) kept.push(a); }
console.log(JSON.stringify({ before, after, later: size() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', program]);
    return JSON.parse(stdout) as { before: number; after: number; later: number };
  };
  const MiB = 2 ** 20;
  const big = await newSpace('capYoungGeneration({ memory: 64 * 2 ** 20 })');
  t.is(big.after, 16 * MiB);
  t.is(big.later, 16 * MiB); // survivors do not grow it further
  const huge = await newSpace('capYoungGeneration({ memory: 2 ** 30 })');
  t.is(huge.after, 16 * MiB);
  const plain = await newSpace('capYoungGeneration()');
  t.is(plain.after, plain.before);
  t.is(plain.later, plain.before);
  await t.throwsAsync(newSpace("capYoungGeneration({ memory: '64MB' })"), { message: /capYoungGeneration: memory must be a positive number of bytes/ });
});
