import test from 'ava';
import fc from 'fast-check';
import { openSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileChunks, LineSplitter, readChunks, splitLines, planRanges } from '../../operators/lines/index.ts';
import { collect, collectBuffers, referenceLines, textFile, withTempDir, writeTemp } from './helpers.ts';

async function linesOf(source: string | number | Readable, opts: Parameters<typeof readChunks>[1] = {},
  encoding: 'utf8' | 'latin1' = 'utf8'): Promise<string[]> {
  const out: string[] = [];
  await pipeline(readChunks(source, opts), splitLines({ encoding, startOffset: opts.start ?? 0 }), async (batches) => {
    for await (const batch of batches) for (const line of batch as string[]) out.push(line);
  });
  return out;
}

test('random files, chunk sizes and split points: the ranges give every line once, in order', async (t) => {
  await withTempDir(async (dir) => {
    let n = 0;
    await fc.assert(fc.asyncProperty(textFile, fc.integer({ min: 1, max: 64 }), fc.array(fc.nat(), { maxLength: 6 }),
      async (data, chunkSize, cuts) => {
        const file = await writeTemp(dir, `f${n++}.txt`, data);
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...points.filter((p) => p > 0 && p < data.length), data.length];
        const got: string[] = [];
        for (let i = 0; i + 1 < bounds.length || i === 0; i++) {
          const end = bounds[i + 1] ?? data.length;
          got.push(...await linesOf(file, { start: bounds[i], end, chunkSize }, 'latin1'));
        }
        t.deepEqual(got, referenceLines(data, 'latin1'));
        t.deepEqual(await linesOf(file, { chunkSize }), referenceLines(data, 'utf8'));
      }), { numRuns: 150 });
  });
});

test('planRanges covers the file; its ranges read every line exactly once', async (t) => {
  t.deepEqual(planRanges(0, { count: 3 }), [{ start: 0, end: 0 }]);
  t.deepEqual(planRanges(10, { splitSize: 4 }), [{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
  t.deepEqual(planRanges(10, { count: 3 }), [{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 10 }]);
  t.deepEqual(planRanges(2, { count: 5 }), [{ start: 0, end: 1 }, { start: 1, end: 2 }]);
  t.throws(() => planRanges(-1, {}), { instanceOf: RangeError });
  await withTempDir(async (dir) => {
    let n = 0;
    await fc.assert(fc.asyncProperty(textFile, fc.integer({ min: 1, max: 8 }), async (data, count) => {
      const file = await writeTemp(dir, `p${n++}.txt`, data);
      const got: string[] = [];
      for (const r of planRanges(data.length, { count })) got.push(...await linesOf(file, { ...r, chunkSize: 7 }, 'latin1'));
      t.deepEqual(got, referenceLines(data, 'latin1'));
    }), { numRuns: 60 });
  });
});

test('onStart gives the offset of a range\'s first line, so offsets in messages are exact', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 's.txt', 'aaaa\nbbbbbbbb\ncc\n');
    const split = splitLines({ startOffset: 2, maxLineBytes: 4, source: file });
    const starts: number[] = [];
    const source = readChunks(file, { start: 2, end: 12, onStart: (o) => { split.splitter.offset = o; } });
    source.on('start', (o) => starts.push(o));
    const err = await t.throwsAsync(pipeline(source, split, async (batches) => {
      for await (const _ of batches) { /* drain */ }
    }));
    t.deepEqual(starts, [5]);
    t.regex(err.message, /line at byte offset 5 \(line number unknown: this range starts mid-file\) is longer/);
  });
});

test('chunks hold whole lines; a line longer than chunkSize arrives in pieces', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'a.txt', 'ab\ncd\nefghijklmnop\nq');
    const chunks = (await collectBuffers(readChunks(file, { chunkSize: 8 }))).map(String);
    t.deepEqual(chunks, ['ab\ncd\n', 'efghijkl', 'mnop\n', 'q']);
    t.deepEqual(await linesOf(file, { chunkSize: 8 }), ['ab', 'cd', 'efghijklmnop', 'q']);
  });
});

test('edge files: empty, one line without newline, only newlines', async (t) => {
  await withTempDir(async (dir) => {
    t.deepEqual(await linesOf(await writeTemp(dir, 'empty', '')), []);
    t.deepEqual(await linesOf(await writeTemp(dir, 'one', 'no newline')), ['no newline']);
    t.deepEqual(await linesOf(await writeTemp(dir, 'nl', '\n\r\n\n')), ['', '', '']);
  });
});

test('a missing file and a directory give clear errors naming the path', async (t) => {
  await withTempDir(async (dir) => {
    const missing = `${dir}/nope.txt`;
    await t.throwsAsync(collect(readChunks(missing)), { message: new RegExp(`${missing}: no such file. Check the path`) });
    await t.throwsAsync(collect(readChunks(dir)), { message: new RegExp(`${dir}: is a directory, not a file`) });
  });
});

test('a file descriptor and a Readable (stdin-like) give the same lines as the path', async (t) => {
  await withTempDir(async (dir) => {
    const data = Buffer.from('α\r\nbeta\n\nγamma');
    const file = await writeTemp(dir, 'x.txt', data);
    const fd = openSync(file, 'r');
    try {
      t.deepEqual(await linesOf(fd, { chunkSize: 3 }), referenceLines(data));
    } finally {
      closeSync(fd);
    }
    const pieces = [...data].map((b) => Buffer.from([b]));
    t.deepEqual(await linesOf(Readable.from(pieces), { chunkSize: 4 }), referenceLines(data));
    t.throws(() => readChunks(Readable.from([]), { start: 1 }), { message: /start\/end need a file/ });
  });
});

test('progress events report bytes read against the total', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'p.txt', 'x\n'.repeat(50));
    const stream = readChunks(file, { chunkSize: 16 });
    const seen: Array<{ bytesRead: number; bytesTotal?: number }> = [];
    stream.on('progress', (p) => seen.push(p));
    await collectBuffers(stream);
    t.true(seen.length >= 7);
    t.deepEqual(seen.at(-1), { bytesRead: 100, bytesTotal: 100 });
  });
});

test('fileChunks with reuse (two alternating buffers) gives the same lines to a synchronous consumer', async (t) => {
  await withTempDir(async (dir) => {
    let n = 0;
    await fc.assert(fc.asyncProperty(textFile, fc.integer({ min: 1, max: 40 }), fc.nat(), async (data, chunkSize, at) => {
      const file = await writeTemp(dir, `r${n++}.txt`, data);
      const start = at % (data.length + 1);
      for (const range of [{ start: 0, end: Infinity }, { start, end: data.length }]) {
        const fd = openSync(file, 'r');
        try {
          const got: string[][] = [];
          for (const reuse of [false, true]) {
            const splitter = new LineSplitter({ encoding: 'latin1' });
            const lines: string[] = [];
            for await (const chunk of fileChunks(fd, { ...range, chunkSize, reuse })) lines.push(...splitter.split(chunk));
            lines.push(...splitter.finish());
            got.push(lines);
          }
          t.deepEqual(got[1], got[0]);
        } finally {
          closeSync(fd);
        }
      }
    }), { numRuns: 80 });
  });
});
