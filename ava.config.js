// ava's configuration (a .js file rather than package.json's "ava" key, to compute an absolute path).
import os from 'node:os';
import path from 'node:path';

export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  workerThreads: false,
  timeout: '5m',
  concurrency: 2,
  environmentVariables: {
    // Node's on-disk compile cache (V8 code cache and the type-stripped TS): each test process, each CLI
    // child and each worker thread would otherwise strip and compile the same sources again (~0.3 s of
    // CPU per process). Absolute, so a child run in another cwd or with another TMPDIR shares it.
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(os.tmpdir(), 'mrpipe-compile-cache'),
  },
};
