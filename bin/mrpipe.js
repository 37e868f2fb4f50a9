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

// V8's compiled code is cached on disk (Node's compile cache: os.tmpdir()/node-compile-cache, or
// NODE_COMPILE_CACHE; one entry per file, checked against its contents, Node's version and V8's flags), so a
// second run skips compiling the bundle. NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node makes an entry when
// it compiles a file, before running it, and V8 then compiles only the top level: each run would compile
// again every function it calls (a third of a one-line sort's start-up). With the cache on, the command's
// bundle is compiled whole (--no-lazy, for its import only), so its entry holds every function; the first
// run of each build pays for that once.
const argv = process.argv.slice(2);
const { enableCompileCache, constants } = process.getBuiltinModule('node:module');
const cache = enableCompileCache?.().status;
const eager = cache === constants.compileCacheStatus?.ENABLED || cache === constants.compileCacheStatus?.ALREADY_ENABLED;
const v8 = process.getBuiltinModule('node:v8');
if (eager) v8.setFlagsFromString('--no-lazy');
let bundle;
try {
  bundle = await (await import('../dist/cli/main.js')).load(argv);
} finally {
  if (eager) v8.setFlagsFromString('--lazy');
}
bundle.main(argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`mrpipe: ${err?.stack ?? err}`); process.exitCode = 1; },
);
