// GNU wc -l as the oracle: it counts LF bytes, so our line count is that plus one when the file does not
// end with a newline.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { readChunks, splitLines } from '../../operators/lines/index.ts';
import { withTempDir, writeTemp } from './helpers.ts';

test('line counts match wc -l over random files and chunk sizes', async (t) => {
  await withTempDir(async (dir) => {
    let n = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom('a', 'bc ', 'é', '\n', '\r\n', '\n\n', 'x'.repeat(300), '\u0000\uffff'), { maxLength: 400 }),
      fc.integer({ min: 1, max: 2000 }),
      async (parts, chunkSize) => {
        const data = Buffer.from(parts.join(''));
        const file = await writeTemp(dir, `w${n++}.txt`, data);
        const wc = Number(execFileSync('wc', ['-l', file], { env: { LC_ALL: 'C' } }).toString().trim().split(/\s+/)[0]);
        let lines = 0;
        for await (const batch of readChunks(file, { chunkSize }).pipe(splitLines())) lines += (batch as string[]).length;
        t.is(lines, wc + (data.length > 0 && data[data.length - 1] !== 10 ? 1 : 0));
      }), { numRuns: 40 });
  });
});
