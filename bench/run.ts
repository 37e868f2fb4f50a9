// `npm run bench` (node bench/run.ts): runs bench/cases/*.ts and rewrites bench/RESULTS.md.
// Options: BENCH_SCALE, BENCH_RUNS, BENCH_FILTER or `npm run bench -- [--scale S] [--runs N] [--filter RE | RE]`.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatorCase } from './lib/generator-case.ts';
import { runBench } from './lib/harness.ts';
import { parseOptions } from './lib/options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  const opts = parseOptions(process.argv.slice(2), process.env, root);
  const { mismatches, failures } = await runBench(opts, [generatorCase]);
  opts.log(`\nwrote ${opts.resultsPath}`);
  if (mismatches.length) opts.log(`\n!!! OUTPUT MISMATCH in ${mismatches.length} contender(s):\n  ${mismatches.join('\n  ')}`);
  if (failures.length) opts.log(`\n!!! FAILED: ${failures.join('; ')}`);
  process.exitCode = mismatches.length || failures.length ? 1 : 0;
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
