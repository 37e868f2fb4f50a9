// The same job gives the same output whatever the plan: map tasks, reducers, workers, streaming or the
// in-memory path, chunk size; and it equals an in-memory reference.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../../lib/index.ts';
import { allLines, checkParts, FIXTURES, mapPlan, readParts, referenceWordCount, tempDir } from './helpers.ts';
import { scale } from '../long.ts';

const wordcountObject = {
  map(line: string, emit: (k: string, v: number) => void) {
    for (const w of line.split(/[ \t]+/)) if (w) emit(w, 1);
  },
  reduce: 'sum' as const,
};

const word = fc.constantFrom('a', 'b', 'ab', 'ba', 'é', 'z', 'Z', '\u{1F600}', '\uFFFD', 'a\u00e9', '0', '');
const line = fc.array(word, { maxLength: 6 }).map((ws) => ws.join(' '));
const text = fc.tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([ls, eol, finalNl]) => ls.join(eol) + (finalNl && ls.length ? eol : ''));

test('word count in-process: any plan equals the reference (fast-check)', async (t) => {
  const { dir, cleanup } = tempDir();
  let n = 0;
  try {
    await fc.assert(fc.asyncProperty(
      text, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }),
      fc.constantFrom<'auto' | boolean>('auto', true, false), fc.integer({ min: 1, max: 64 }),
      async (input, mapTasks, reducers, streaming, chunkSize) => {
        const file = join(dir, `in-${n}.txt`);
        const out = join(dir, `out-${n++}`);
        writeFileSync(file, input);
        await runJob(wordcountObject, { inputs: [file], output: out, ...mapPlan(streaming, { mapTasks }), reducers, streaming, chunkSize, workers: 1 });
        t.is(checkParts(out), '');
        t.deepEqual(allLines(out), referenceWordCount(input));
      },
    ), { numRuns: scale(25, 60) });
  } finally {
    cleanup();
  }
});

test('worker threads: mapTasks 1..8 x reducers 1..4 x workers 1..2 x streaming give identical parts', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`w${(i * 7919) % 501} x${i % 13} héllo ${i % 3 ? 'a' : 'b'}`);
    const file = join(dir, 'in.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const expected = referenceWordCount(readFileSync(file, 'utf8'));
    const byReducers = new Map<number, string[]>();
    const plans: [number, number, number, 'auto' | boolean, number][] = [
      [1, 1, 1, true, 1 << 20], [8, 1, 2, true, 4096], [3, 2, 2, true, 777], [5, 3, 1, true, 65536],
      [2, 4, 2, true, 1000], [7, 4, 1, false, 1 << 20], [4, 2, 2, 'auto', 1 << 16], [6, 3, 2, false, 100],
      [8, 2, 1, true, 31], [1, 3, 2, true, 1 << 20], [4, 1, 2, false, 4096], [6, 4, 2, true, 9999],
    ];
    for (const [mapTasks, reducers, workers, streaming, chunkSize] of plans) {
      const out = join(dir, `out-${mapTasks}-${reducers}-${workers}-${String(streaming)}-${chunkSize}`);
      const r = await runJob(join(FIXTURES, 'wordcount.ts'), { inputs: [file], output: out, ...mapPlan(streaming, { mapTasks }), reducers, workers, streaming, chunkSize });
      // Under auto, a given mapTasks chooses the streaming path (only it runs map tasks).
      t.is(r.streaming, streaming !== false, `streaming ${String(streaming)}`);
      t.is(checkParts(out), '');
      t.deepEqual(allLines(out), expected);
      const parts = readParts(out);
      const prev = byReducers.get(reducers);
      if (prev) t.deepEqual(parts, prev, `parts differ for reducers=${reducers}`);
      else byReducers.set(reducers, parts);
    }
  } finally {
    cleanup();
  }
});
