import test from 'ava';
import fc from 'fast-check';
import { KINDS, parseSize } from '../../lib/generate/index.ts';
import { collect } from './helpers.ts';

test('output is the longest run of whole lines that fits the size (and a prefix of any larger size)', async (t) => {
  const big: Record<string, Buffer> = {};
  for (const kind of KINDS) big[kind] = await collect(kind, { size: 120_000, seed: 5 });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2048, max: 300_000 }), async (kind, size, chunkSize) => {
      const out = await collect(kind, { size, seed: 5, chunkSize });
      const full = big[kind];
      const cut = size === 0 ? 0 : full.lastIndexOf(10, size - 1) + 1; // bytes up to the last newline within the size
      if (out.length !== cut) return false;
      return out.equals(full.subarray(0, cut));
    }),
    { numRuns: 60 },
  );
  t.pass();
});

test('sizes: numbers and size strings; bad sizes are rejected with the value named', (t) => {
  t.is(parseSize(1000), 1000);
  t.is(parseSize('1000'), 1000);
  t.is(parseSize('1KB'), 1024);
  t.is(parseSize('100MB'), 100 * 2 ** 20);
  t.throws(() => parseSize('lots'), { message: /'lots'/ });
  t.throws(() => parseSize(-1), { message: /-1/ });
});

test('size 0 gives nothing; an unknown kind is named in the error', async (t) => {
  t.is((await collect('text', { size: 0 })).length, 0);
  await t.throwsAsync(collect('csv' as 'text', { size: 10 }), { message: /unknown kind "csv"/ });
});
