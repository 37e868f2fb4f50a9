// ava's configuration (a .js file rather than package.json's "ava" key, to compute an absolute path).
import os from 'node:os';
import path from 'node:path';

/**
 * The files that take longest (wall time: a Dask cluster, serial kills, big inputs), started first so that
 * the run does not end waiting on one of them alone; any file not named runs after them, in name order.
 */
const SLOWEST_FIRST = [
  'test/dask/submit.test.ts',
  'test/reliability/security.test.ts',
  'test/shuffle/parallel-wordcount.test.ts',
  'test/cli/sort.test.ts',
  'test/reliability/signals.test.ts',
  'test/runtime/run-format.test.ts',
  'test/reliability/kill-resume.test.ts',
  'test/reliability/budget-paths.test.ts',
  'test/recipes/recipes.test.ts',
  'test/reliability/builtins.test.ts',
  'test/reliability/resources.test.ts',
  'test/cli/bounded-memory.test.ts',
  'test/runtime/memory.test.ts',
  'test/cli/sort-version.test.ts',
  // One process each for an area's smaller tests (all.test.ts imports them): 30-60 s of wall time apiece.
  'test/reliability/all.test.ts',
  'test/runtime/all.test.ts',
  'test/cli/all.test.ts',
  'test/shuffle/all.test.ts',
];
const rank = (file) => {
  const i = SLOWEST_FIRST.findIndex((f) => file.endsWith(f));
  return i === -1 ? SLOWEST_FIRST.length : i;
};

export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  // Child processes, not worker threads: on 2 cores the two cost the same CPU per test file (measured), and
  // the signal, fd-limit and process.exit tests need a process of their own.
  workerThreads: false,
  timeout: '5m',
  // Three files at once on two cores: many tests spend part of their time waiting on a child (a kill at a
  // chosen moment, a Dask cluster, a spawnSync), and a third file keeps both cores busy meanwhile.
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
  environmentVariables: {
    // Node's on-disk compile cache (V8 code cache and the type-stripped TS): each test process, each CLI
    // child and each worker thread would otherwise strip and compile the same sources again (~0.3 s of
    // CPU per process). Absolute, so a child run in another cwd or with another TMPDIR shares it.
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(os.tmpdir(), 'mrpipe-compile-cache'),
  },
};
