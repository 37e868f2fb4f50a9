#!/usr/bin/env node
// The published entry point: runs the CLI's bundle (npm run build emits dist/cli/, scripts/bundle-cli.ts).
// `env node` runs the first `node` on PATH: check it before loading anything that needs a newer one.
// Needed: fs.glob, stable from 22.17 / 24.0, and .ts job files run without flags or an ExperimentalWarning
// from 22.18 / 24.3 (Node's typescript.md history). Node 23 has reached its end of life.
const [major, minor] = process.versions.node.split('.').map(Number);
if (!(major === 22 ? minor >= 18 : major > 24 || (major === 24 && minor >= 3))) {
  process.stderr.write(`mrpipe: needs Node.js 22.18 or newer on the 22 line, or 24.3 or newer; this is Node ${process.versions.node} (${process.execPath}).\n` +
    '  Install Node 24 (https://nodejs.org, or `nvm install 24`) and put it first on PATH, or run mrpipe through\n' +
    '  `npx mrpipe` / an npm script in a project whose devDependencies pin a newer `node`.\n');
  process.exit(1);
}

// V8's compiled code is cached on disk (os.tmpdir()/node-compile-cache, keyed by Node version and file
// hash): a second run skips compiling the bundle.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(await import('node:module')).enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`mrpipe: ${err?.stack ?? err}`); process.exitCode = 1; },
);
