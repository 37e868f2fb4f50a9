// The CLI's start-up bundle (`npm run build` runs this after tsc): dist/lib/cli/main.js and everything it
// imports, with commander and bytes, bundled by esbuild into dist/cli/ — main.js, one chunk per command
// (main loads a command's module only when it runs) and the chunks they share. One file per command
// instead of ~80 modules each resolved, read and linked on its own: `mrpipe sort` on a one-line file
// starts in about half the CPU time (docs/ARCHITECTURE.md, "Start-up"). The library under dist/ and the
// package's exports are untouched; bin/mrpipe.js runs dist/cli/main.js.
//
// Every module keeps the import.meta.url of its own dist/ file: the worker entries (sort-worker, the
// word-count helpers, the runtime's pool worker, the streaming task thread), the recipes and the demo's
// script are found beside those files as before and run from dist/, unbundled. Packages other than
// commander and bytes stay imports (piscina finds its worker file beside itself; cli-progress, asciichart
// and stream-json load only when used).
import { build, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
/** Where the bundle goes: every file at one level, so each chunk knows where dist/ is. */
export const OUT = path.join(DIST, 'cli');
/** The packages put into the bundle; every other dependency stays an import. */
const BUNDLED = ['commander', 'bytes'];

/** Replaces import.meta.url in each dist/ module with the URL of that module's own file. */
const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST + path.sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const rel = path.relative(OUT, args.path).split(path.sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/**
 * Commander's imports of node:child_process (only for executable subcommands, which mrpipe has none of),
 * node:process (the global) and node:util (one function, for --help): importing a built-in module reads
 * all of its exports, which loads net, dgram, readline, the process report and the worker machinery —
 * ~5 ms of every command's start-up. Each line must be found as written: a commander that changed them
 * stops the build here rather than silently starting slower.
 */
const COMMANDER_IMPORTS: Record<string, Array<[string, string]>> = {
  'command.js': [
    ["import childProcess from 'node:child_process';",
      "const childProcess = { spawn: (...a) => process.getBuiltinModule('node:child_process').spawn(...a) };"],
    ["import process from 'node:process';", ''],
    ["import { stripVTControlCharacters } from 'node:util';",
      "const stripVTControlCharacters = (s) => process.getBuiltinModule('node:util').stripVTControlCharacters(s);"],
  ],
  'help.js': [
    ["import { stripVTControlCharacters } from 'node:util';",
      "const stripVTControlCharacters = (s) => process.getBuiltinModule('node:util').stripVTControlCharacters(s);"],
  ],
};
const lazyCommanderImports: Plugin = {
  name: 'lazy-commander-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/](command|help)\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of COMMANDER_IMPORTS[path.basename(args.path)]) {
        if (!text.includes(from)) throw new Error(`bundle-cli: ${args.path} no longer has \`${from}\`: update COMMANDER_IMPORTS`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.includes(d)).flatMap((d) => [d, `${d}/*`]);

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { main: path.join(DIST, 'lib', 'cli', 'main.js') },
  outdir: OUT,
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  external,
  plugins: [ownUrls, lazyCommanderImports],
  logLevel: 'warning',
});
