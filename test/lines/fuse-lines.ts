import test from 'ava';
import fc from 'fast-check';
import { pipeline } from 'node:stream/promises';
import { filter, flatMap, map, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';
import { collect, referenceLines, textFile, withTempDir, writeTemp } from './helpers.ts';

test('splitLines fused with the record stages after it equals the unfused pipeline', async (t) => {
  await withTempDir(async (dir) => {
    let n = 0;
    await fc.assert(fc.asyncProperty(textFile, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 200 }),
      async (data, chunkSize, max) => {
        const file = await writeTemp(dir, `f${n++}.txt`, data);
        const split = splitLines({ maxLineBytes: max, onOverlong: 'skip' });
        let skippedEvents = 0;
        split.on('skipped', () => skippedEvents++);
        const fused = await collect<number>(pipe(readChunks(file, { chunkSize }), split,
          map((l: string) => l.length), filter((k: number) => k % 2 === 0), flatMap((k: number) => [k, -k])));
        const raw = referenceLines(data, 'latin1');
        const expected = referenceLines(data).filter((_, i) => raw[i].length <= max)
          .map((l) => l.length).filter((k) => k % 2 === 0).flatMap((k) => [k, -k]);
        t.deepEqual(fused, expected);
        t.is(skippedEvents, raw.filter((l) => l.length > max).length);
        t.is(split.skipped, skippedEvents);
      }), { numRuns: 80 });
  });
});

test('progress events reach listeners on a fused splitLines stage', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'p.txt', 'a\nbb\nccc\n'.repeat(100));
    const split = splitLines();
    let last: { bytesRead: number; records?: number } | undefined;
    split.on('progress', (p) => {
      last = p;
    });
    await pipeline(pipe(readChunks(file, { chunkSize: 64 }), split, map((l: string) => l)), async (s) => {
      for await (const _ of s) { /* drain */ }
    });
    t.deepEqual(last, { bytesRead: 900, records: 300 });
  });
});
