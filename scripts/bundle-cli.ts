// The CLI's start-up bundles (`npm run build` runs this after tsc), made by esbuild from dist/lib/cli/main.js
// and bytes, into dist/cli/: per command module (sort, wordcount, run, streaming, …) one file holding main and
// that command with everything it imports; base.js with none (--version); all.js with every command (--help,
// no arguments, a typo); commander.js, which they all import; main.js, which imports the one argv names; and
// each worker thread's entry module with what it imports (WORKERS).
// One file instead of ~80 modules each resolved, read and linked on its own: `mrpipe sort` on a one-line
// file starts in less than half the CPU time (docs/ARCHITECTURE.md, "Start-up"). The library under dist/
// and the package's exports are untouched; bin/mrpipe.js imports the bundle main.js picks (load(argv)).
//
// Every module keeps the import.meta.url of its own dist/ file: the worker entries (sort-worker, the
// word-count helpers, the runtime's pool worker, the streaming task thread) are named beside those files as
// before and start from their bundles here (plumbing/worker-entry.ts); the recipes and the demo's script
// run from dist/, unbundled. Packages other than
// commander and bytes stay imports (piscina finds its worker file beside itself; cli-progress, asciichart
// and stream-json load only when used).
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
/** Where the bundles go: every file at one level, so each knows where dist/ is. */
export const OUT = path.join(DIST, 'cli');
/** The packages put into the bundles (commander once, as commander.js beside them); every other dependency stays an import. */
const BUNDLED = ['commander', 'bytes'];

/**
 * A static import of a Node built-in as a read of the names it imports from `process.getBuiltinModule(name)`.
 * Importing a built-in builds its ESM facade, which reads every export: node:fs's getters load its streams,
 * fs/promises (with readline), Dir and the watchers; node:util's its parseArgs, diff and worker machinery —
 * ~5 ms of every command's start-up for modules a one-line run never uses. (esbuild's own CommonJS interop
 * copies every property too, which has the same effect.) The names are read once, when the module runs, as
 * their live bindings would have been: a built-in's exports do not change.
 */
const BUILTIN_IMPORT = /^import\s+([^'";]+?)\s+from\s+(['"])(node:[\w/]+)\2;?/gm;
function builtinsByGetter(text: string): string {
  return text.replace(BUILTIN_IMPORT, (whole, clause: string, _q: string, name: string) => {
    // node:process is the global itself (loading its module is one more compile).
    const get = name === 'node:process' ? 'globalThis.process' : `globalThis.process.getBuiltinModule(${JSON.stringify(name)})`;
    const m = /^(?:([\w$]+)\s*(?:,\s*|$))?(?:\*\s*as\s+([\w$]+)|\{([^}]*)\})?$/.exec(clause.trim());
    if (m === null) throw new Error(`bundle-cli: cannot read the import \`${whole}\``);
    const [, dflt, star, named] = m;
    const decls = [dflt, star].filter((n) => n !== undefined).map((n) => `${n} = ${get}`);
    const names = (named ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '')
      .map((n) => n.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
    if (names.length > 0) decls.push(`{ ${names.join(', ')} } = ${get}`);
    // One line per import, so the line numbers of the code below it stay the same.
    return `const ${decls.join(', ')};` + '\n'.repeat(whole.split('\n').length - 1);
  });
}

/**
 * Each dist/ module: its built-in imports by getter (above), and import.meta.url replaced with the URL of
 * the module's own file.
 */
const distModules: Plugin = {
  name: 'dist-modules',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST + path.sep)) return undefined;
      const text = builtinsByGetter(readFileSync(args.path, 'utf8'));
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const rel = path.relative(OUT, args.path).split(path.sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/**
 * Commander's import of node:child_process, only for executable subcommands (mrpipe has none): made a call
 * when used, since loading it loads net, dgram and the worker machinery. Its other built-in imports are read
 * by getter (builtinsByGetter). The line must be found as written: a commander that changed it stops the
 * build here rather than silently starting slower.
 */
const COMMANDER_IMPORTS: Record<string, Array<[string, string]>> = {
  'command.js': [
    ["import childProcess from 'node:child_process';",
      "const childProcess = { spawn: (...a) => process.getBuiltinModule('node:child_process').spawn(...a) };"],
  ],
};
const lazyCommanderImports: Plugin = {
  name: 'lazy-commander-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/][\w-]+\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of COMMANDER_IMPORTS[path.basename(args.path)] ?? []) {
        if (!text.includes(from)) throw new Error(`bundle-cli: ${args.path} no longer has \`${from}\`: update COMMANDER_IMPORTS`);
        text = text.replace(from, to);
      }
      return { contents: builtinsByGetter(text), loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.includes(d)).flatMap((d) => [d, `${d}/*`]);

const MAIN = path.join(DIST, 'lib', 'cli', 'main.js');
const { COMMANDS } = (await import(pathToFileURL(MAIN).href)) as { COMMANDS: ReadonlyArray<{ names: readonly string[]; module: string }> };

/** Leaves out of a bundle the command modules main imports other than `keep` ('': all of them). */
function onlyCommand(keep: string): Plugin {
  return {
    name: 'only-command',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) => {
        if (args.importer !== MAIN || path.basename(args.path, '.js') === keep) return undefined;
        return { path: args.path, namespace: 'not-bundled' };
      });
      b.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`mrpipe: ${args.path} is not in this bundle (dist/cli/main.js picks the bundle)`)});`, loader: 'js',
      }));
    },
  };
}

/** Every bundle imports commander from commander.js, built once: ~110 KB not copied into each. */
const sharedCommander: Plugin = {
  name: 'shared-commander',
  setup(b) {
    b.onResolve({ filter: /^commander$/ }, () => ({ path: './commander.js', external: true }));
  },
};

/** One bundle: main and the commands `keep` says (undefined: every command; '': none). */
function bundle(name: string, keep: string | undefined): Promise<unknown> {
  return build({
    entryPoints: [MAIN],
    outfile: path.join(OUT, `${name}.js`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.18',
    external,
    plugins: [distModules, sharedCommander, ...(keep === undefined ? [] : [onlyCommand(keep)])],
    logLevel: 'warning',
  });
}

/**
 * The worker threads' entry modules, each bundled to dist/cli/<its file name> with what it imports:
 * plumbing/worker-entry.ts starts threads from these (~30 ms less start-up per thread than ~40 modules).
 */
const WORKERS = ['lib/runtime/worker.js', 'lib/cli/streaming/task-thread.js', 'operators/shuffle/linesort/sort-worker.js', 'operators/shuffle/words/wordcount-worker.js'];

function bundleWorker(entry: string): Promise<unknown> {
  return build({
    entryPoints: [path.join(DIST, entry)],
    outfile: path.join(OUT, path.basename(entry)),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.18',
    external,
    plugins: [distModules],
    logLevel: 'warning',
  });
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const modules = [...new Set(COMMANDS.map((c) => c.module))];
if (modules.length === 0) throw new Error('bundle-cli: no COMMANDS in dist/lib/cli/main.js');
await Promise.all([
  build({
    stdin: { contents: "export * from 'commander';", resolveDir: ROOT }, outfile: path.join(OUT, 'commander.js'),
    bundle: true, format: 'esm', platform: 'node', target: 'node22.18', plugins: [lazyCommanderImports], logLevel: 'warning',
  }),
  ...modules.map((m) => bundle(m, m)), bundle('base', ''), bundle('all', undefined),
  ...WORKERS.map(bundleWorker),
]);
const names = [...modules, 'base', 'all', 'commander', 'main'].map((m) => `${m}.js`);
const clash = WORKERS.map((w) => path.basename(w)).find((w) => names.includes(w));
if (clash) throw new Error(`bundle-cli: the worker bundle ${clash} has a command bundle's name`);
for (const file of readdirSync(OUT)) {
  const text = readFileSync(path.join(OUT, file), 'utf8');
  const left = /^import\s[^;]*?from\s*"node:[^"]+"/m.exec(text);
  if (left !== null) throw new Error(`bundle-cli: ${file} still imports a built-in (\`${left[0]}\`): builtinsByGetter did not read it`);
  // esbuild escapes every non-ASCII character (charset 'ascii') but those in the comments it keeps (in
  // class bodies) and in regular expression literals: one '→' makes Node hold the whole file as a two-byte
  // string, which costs every run ~2 ms of reading and hashing it for the compile cache. Escaped there too
  // (\uXXXX means the same character in a regular expression), so each bundle is ASCII.
  const ascii = text.replace(/[^\t\n\r\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(path.join(OUT, file), ascii);
}
const routes = [
  ...COMMANDS.flatMap((c) => c.names.map((n) => [n, c.module] as const)),
  ['-V', 'base'] as const, ['--version', 'base'] as const,
];
writeFileSync(path.join(OUT, 'main.js'), `// Written by scripts/bundle-cli.ts: load(argv) imports the bundle of the command named first (main,
// commander and that command in one file); -V / --version the one with no command; anything else (--help,
// no arguments, a typo) the whole CLI. bin/mrpipe.js compiles the bundle whole while it is imported.
const BUNDLES = new Map([
${routes.map(([n, m]) => `  [${JSON.stringify(n)}, () => import(${JSON.stringify(`./${m}.js`)})],`).join('\n')}
]);

export function load(argv) {
  return (BUNDLES.get(argv[0]) ?? (() => import('./all.js')))();
}

export async function main(argv) {
  return (await load(argv)).main(argv);
}
`);
