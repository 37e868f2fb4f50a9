// Fuzzing in the suite (small sizes; more runs under test:long): random bytes and random job options (map tasks,
// split points, chunk sizes, budgets, reducers, streaming or in memory) through runJob, and random lines
// through the Sorter under tiny budgets, each against an in-memory reference. `npm run fuzz`
// (test/reliability/fuzz-long.ts) runs the same properties far longer.
import test from 'ava';
import fc from 'fast-check';
import { jobProperty, sortProperty } from './fuzz-properties.ts';
import { scale } from '../long.ts';

const seed = process.env.MRPIPE_FUZZ_SEED === undefined ? undefined : Number(process.env.MRPIPE_FUZZ_SEED);

test('runJob on random bytes with random options equals the in-memory reference', async (t) => {
  await fc.assert(jobProperty(800), { numRuns: scale(40, 120), seed });
  t.pass();
});

test('the Sorter on random lines under tiny budgets equals a stable byte-order sort', (t) => {
  fc.assert(sortProperty(400), { numRuns: scale(150, 400), seed });
  t.pass();
});
