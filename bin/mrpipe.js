#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm run build emits dist/).
import { main } from '../dist/lib/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`mrpipe: ${err?.stack ?? err}`); process.exitCode = 1; },
);
