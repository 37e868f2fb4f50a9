// The long fuzzing mode (`npm run fuzz` = node test/reliability/fuzz-long.ts): the in-suite properties
// with bigger inputs and many more runs. MRPIPE_FUZZ_RUNS scales it (default 2000 job runs), and
// MRPIPE_FUZZ_SEED replays a reported failure.
import fc from 'fast-check';
import { jobProperty, sortProperty } from './fuzz-properties.ts';

const runs = Number(process.env.MRPIPE_FUZZ_RUNS ?? 2000);
const seed = process.env.MRPIPE_FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.MRPIPE_FUZZ_SEED);
console.log(`mrpipe fuzz: seed ${seed} (MRPIPE_FUZZ_SEED=${seed} replays it), ${runs} job runs, ${runs * 5} sorts`);
const started = Date.now();
fc.assert(sortProperty(3000), { numRuns: runs * 5, seed });
console.log(`sorter: ${runs * 5} runs ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
await fc.assert(jobProperty(20_000), { numRuns: runs, seed });
console.log(`runJob: ${runs} runs ok (${((Date.now() - started) / 1000).toFixed(1)} s total)`);
