// The README's externalSort pipeline in raw-line mode (splitLines latin1 + keepCR) against the real
// `LC_ALL=C sort`: byte-identical output on any bytes (CRLF, lone CR, NUL, invalid UTF-8, a BOM, a last line
// without LF), and peak RSS of the composed pipeline within budget + the documented overhead.
import test from 'ava';
import fc from 'fast-check';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { externalSort, joinLines, readChunks, splitLines } from '../../operators/index.ts';
import { Sorter } from '../../operators/shuffle/sort/sorter.ts';
import { filesIn, rng, tempDir } from './helpers.ts';
import { LONG } from '../long.ts';

function gnuSortFile(file: string, args: string[] = []): Buffer {
  const r = spawnSync('sort', [...args, file], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`sort failed: ${r.stderr.toString()}`);
  return r.stdout;
}

async function sortPipeline(
  input: string, output: string,
  o: { memory: number; chunkSize: number; tmpDir: string; reverse?: boolean; unique?: boolean; threads?: boolean },
): Promise<void> {
  await pipeline(
    readChunks(input, { chunkSize: o.chunkSize }),
    splitLines({ encoding: 'latin1', keepCR: true }),
    externalSort({ memory: o.memory, tmpDir: o.tmpDir, encoding: 'latin1', reverse: o.reverse, unique: o.unique, threads: o.threads }),
    joinLines({ encoding: 'latin1' }),
    fs.createWriteStream(output),
  );
}

const byte = fc.constantFrom(0x61, 0x62, 0x7a, 0x20, 0x09, 0x0d, 0x0d, 0x00, 0x80, 0xc3, 0xa9, 0xff, 0xef, 0xbb, 0xbf);
const line = fc.oneof(
  fc.array(byte, { maxLength: 12 }),
  fc.array(byte, { maxLength: 3 }).map((b) => [...b, 0x0d]), // CRLF once joined
  fc.constant([0xef, 0xbb, 0xbf, 0x61]), // a BOM
  fc.integer({ min: 300, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => 0x61 + (i % 3))),
);

test('raw-line mode: the composed externalSort pipeline gives the bytes of LC_ALL=C sort', async (t) => {
  const dir = tempDir();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 300 }),
        fc.boolean(), // the last line ends with LF
        fc.integer({ min: 1, max: 5000 }), // readChunks chunk size
        fc.integer({ min: 64, max: 8192 }), // budget: most cases spill several runs
        fc.constantFrom<string[]>([], ['-r'], ['-u'], ['-r', '-u']),
        fc.boolean(), // threads: the worker sorts and merges part of the runs
        async (lines, lastLF, chunkSize, memory, flags, threads) => {
          let bytes = Buffer.from(lines.flatMap((l) => [...l, 0x0a]));
          if (!lastLF && bytes.length > 0) bytes = bytes.subarray(0, -1);
          const input = path.join(dir, 'in');
          const output = path.join(dir, 'out');
          fs.writeFileSync(input, bytes);
          await sortPipeline(input, output, {
            memory, chunkSize, tmpDir: dir, reverse: flags.includes('-r'), unique: flags.includes('-u'), threads,
          });
          const got = fs.readFileSync(output);
          const want = gnuSortFile(input, flags);
          t.true(got.equals(want), `flags ${flags.join(' ')}: ${JSON.stringify(got.toString('latin1'))} vs ${JSON.stringify(want.toString('latin1'))}`);
          t.deepEqual(filesIn(dir).sort(), ['in', 'out']);
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('threads: the Sorter\'s latin1 fast path sorts and merges on the worker too, with the bytes of LC_ALL=C sort', (t) => {
  const dir = tempDir();
  try {
    const r = rng(11);
    const lines = Array.from({ length: 6000 }, (_, i) => `${'    '.repeat(Math.floor(r() * 4))}#include <${(i * 7919) % 997}>\xe9${i % 9 === 0 ? '\r' : ''}`);
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, lines.join('\n') + '\n', 'latin1');
    const sorter = new Sorter<string>({ memory: 40_000, fanIn: 4, tmpDir: dir, encoding: 'latin1', threads: true });
    sorter.pushAll(lines);
    const out = [...sorter.finish()].map((l) => `${l}\n`).join('');
    t.true(sorter.stats.runs > 10, `${sorter.stats.runs} runs`);
    t.true((sorter.stats.workerMerges ?? 0) > 0, 'merge-pass groups merged on the worker');
    t.true(Buffer.from(out, 'latin1').equals(gnuSortFile(input)));
    t.deepEqual(filesIn(dir), ['in']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without keepCR a CRLF line loses its CR (Hadoop rule); with it the bytes come back', async (t) => {
  const dir = tempDir();
  try {
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, 'b\r\na\r\nc\rd\n');
    const out = async (keepCR: boolean): Promise<string> => {
      const chunks: Buffer[] = [];
      await pipeline(readChunks(input), splitLines({ encoding: 'latin1', keepCR }),
        externalSort({ encoding: 'latin1', tmpDir: dir }), joinLines({ encoding: 'latin1' }),
        async (src: AsyncIterable<Buffer>) => {
          for await (const c of src) chunks.push(c);
        });
      return Buffer.concat(chunks).toString('latin1');
    };
    t.is(await out(false), 'a\nb\nc\rd\n');
    t.is(await out(true), 'a\r\nb\r\nc\rd\n');
    t.is(await out(true), gnuSortFile(input).toString('latin1'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** ~`mb` MB of source-like text: long shared prefixes (indentation, `#include <`, ` * `), some CRLF, NUL, 0xff. */
function writeSourceLike(file: string, mb: number): void {
  const r = rng(7);
  const prefixes = ['#include <', ' * ', '\t\t\tif (', '        return ', '    ', '// ', '#define ', ''];
  const words = ['struct', 'tree', 'gimple', 'rtx', 'insn', 'basic_block', 'edge', 'NULL_TREE', 'int', 'const'];
  const fd = fs.openSync(file, 'w');
  let total = 0;
  while (total < mb * 1e6) {
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let s = prefixes[Math.floor(r() * prefixes.length)];
      const n = Math.floor(r() * 8);
      for (let j = 0; j < n; j++) s += words[Math.floor(r() * words.length)] + (r() < 0.5 ? ' ' : '_');
      const k = r();
      s += k < 0.05 ? '\r' : k < 0.06 ? '\x00' : k < 0.07 ? '\xff' : '';
      parts.push(s + '\n');
    }
    const buf = Buffer.from(parts.join(''), 'latin1');
    fs.writeSync(fd, buf);
    total += buf.length;
  }
  fs.closeSync(fd);
}

/**
 * What a composed pipeline costs besides its budget (docs/SHUFFLE.md, Memory):
 * the process's own baseline, measured in the same run on a one-line input, plus up to STREAM_OVERHEAD for
 * the main thread's V8 young generation and the batches in flight between stages.
 */
const STREAM_OVERHEAD = 32 * 2 ** 20;

// 40 MB of input for one RSS figure: under test:long only (the byte-for-byte sorts above stay in npm test).
(LONG ? test : test.skip)('peak RSS of the composed pipeline: budget + the documented overhead', async (t) => {
  const dir = tempDir();
  const child = path.join(import.meta.dirname, 'fixtures', 'sort-pipeline-child.ts');
  const run = async (input: string, budget: number): Promise<number> => {
    const { stdout } = await promisify(execFile)(process.execPath, [child, input, path.join(dir, 'out'), String(budget), dir]);
    return (JSON.parse(stdout) as { maxRSS: number }).maxRSS;
  };
  try {
    const one = path.join(dir, 'one');
    fs.writeFileSync(one, 'x\n');
    const big = path.join(dir, 'big');
    writeSourceLike(big, 40);
    const budget = 16 * 2 ** 20;
    const base = await run(one, budget);
    const peak = await run(big, budget);
    t.log(`baseline ${(base / 2 ** 20).toFixed(1)} MiB, peak ${(peak / 2 ** 20).toFixed(1)} MiB, budget 16 MiB`);
    t.true(gnuSortFile(big).equals(fs.readFileSync(path.join(dir, 'out'))));
    t.true(peak <= base + budget + STREAM_OVERHEAD, `peak ${peak} > ${base} + ${budget} + ${STREAM_OVERHEAD}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
