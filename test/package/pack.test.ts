// What `npm pack` ships, and that a consumer's TypeScript finds the types through it: the LICENSE, no
// source maps pointing at .ts files that are not shipped, every exports/typesVersions target present, and
// the .d.ts files resolving under `moduleResolution: node10` (typesVersions) as well as nodenext.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../cli/helpers.ts';

interface PackJson { files: Array<{ path: string }> }

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  license: string; types: string; exports: Record<string, string | Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
};
// --ignore-scripts: dist/ was just built (helpers.ts insists); `npm pack` itself rebuilds it (prepack).
const packed = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as PackJson[])[0]
  .files.map((f) => f.path);
const shipped = new Set(packed);

test('the tarball has an MIT LICENSE matching package.json, the bin, the built code and its types', (t) => {
  t.is(pkg.license, 'MIT');
  t.true(shipped.has('LICENSE'));
  t.regex(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} mrpipe contributors\n/);
  for (const f of ['package.json', 'README.md', 'bin/mrpipe.js', 'dist/lib/cli/main.js', 'dist/lib/index.d.ts']) t.true(shipped.has(f), f);
  t.false(packed.some((f) => /^(test|bench|lib|operators|recipes)\//.test(f)), 'no sources, tests or benchmarks');
});

test('no source map is shipped without the sources it names', (t) => {
  for (const map of packed.filter((f) => f.endsWith('.map'))) {
    const { sources } = JSON.parse(fs.readFileSync(path.join(ROOT, map), 'utf8')) as { sources: string[] };
    for (const s of sources) t.true(shipped.has(path.posix.join(path.posix.dirname(map), s)), `${map} names ${s}`);
  }
  t.false(packed.some((f) => /\.js$/.test(f) && fs.readFileSync(path.join(ROOT, f), 'utf8').includes('//# sourceMappingURL=') && !shipped.has(`${f}.map`)),
    'no sourceMappingURL to a missing map');
});

test('every exports and typesVersions target is in the tarball', (t) => {
  const targets = [pkg.types, ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
    ...Object.values(pkg.typesVersions['*']).flat()];
  for (const target of targets) {
    const rel = target.replace(/^\.\//, '');
    if (rel.includes('*')) {
      const re = new RegExp(`^${rel.split('*').map((p) => p.replace(/[.]/g, '\\.')).join('[^/]+')}$`);
      t.true(packed.some((f) => re.test(f)), target);
    } else {
      t.true(shipped.has(rel), target);
    }
  }
});

// The CLI runs from its bundle (scripts/bundle-cli.ts): dist/cli/*.js, each module keeping the
// import.meta.url of its own dist/ file, so the worker entries, recipes and scripts they name are found there.
const bundle = packed.filter((f) => f.startsWith('dist/cli/') && f.endsWith('.js'));

test('the bundled CLI is shipped whole: its chunks, the packages it imports, and every file it loads beside dist/', (t) => {
  t.regex(fs.readFileSync(path.join(ROOT, 'bin/mrpipe.js'), 'utf8'), /import\('\.\.\/dist\/cli\/main\.js'\)/);
  t.true(shipped.has('dist/cli/main.js'));
  const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  const homes = new Set<string>();
  for (const f of bundle) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    const specifiers = [...text.matchAll(/^import\b[^;]*?["']([^"']+)["'];?$|\bimport\(["']([^"']+)["']\)/gm)].map((m) => m[1] ?? m[2]);
    for (const s of specifiers) {
      if (s.startsWith('node:')) continue;
      if (s.startsWith('.')) t.true(shipped.has(path.posix.join('dist/cli', s)), `${f} imports ${s}`);
      else t.true(deps.some((d) => s === d || s.startsWith(`${d}/`)), `${f} imports ${s}, which is not a dependency`);
    }
    for (const m of text.matchAll(/new URL\("(\.\.\/[^"]+)", import\.meta\.url\)/g)) homes.add(path.posix.join('dist/cli', m[1]));
  }
  // The modules that find files beside themselves: the worker entries (sort, word count, the runtime's pool,
  // the streaming task thread), the recipes and the demo's script.
  for (const f of ['dist/operators/shuffle/linesort/sort-thread.js', 'dist/operators/shuffle/words/parallel-wordcounter.js',
    'dist/lib/runtime/pool.js', 'dist/lib/cli/streaming/task-thread.js', 'dist/lib/job/load.js']) t.true(homes.has(f), f);
  for (const home of homes) {
    t.true(shipped.has(home), home);
    // './sort-worker.js', `./worker${ext}`, `../../recipes/${name}${ext}`, the pool's CommonJS door: each file
    // (or folder) it names.
    for (const m of fs.readFileSync(path.join(ROOT, home), 'utf8').matchAll(/["'`](\.{1,2}\/[\w./-]*?)(?:\.js|\.ts|\$\{)/g)) {
      const target = path.posix.join(path.posix.dirname(home), m[1]);
      t.true(m[1].endsWith('/') ? packed.some((f) => f.startsWith(target)) : shipped.has(`${target}.js`) || shipped.has(`${target}.cjs`),
        `${home} names ${m[1]}`);
    }
  }
});

test('the CLI runs from the packed files alone: --version and -V print package.json\'s version; sort and wordcount run', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-packed-'));
  try {
    const home = path.join(dir, 'mrpipe');
    for (const f of packed) fs.cpSync(path.join(ROOT, f), path.join(home, f));
    const run = (args: string[]): string => execFileSync(process.execPath, [path.join(home, 'bin', 'mrpipe.js'), ...args], { encoding: 'utf8' });
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) t.is(run([flag]), `${version}\n`);
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, 'b a b\n');
    t.is(run(['sort', input]), 'b a b\n');
    t.is(run(['wordcount', input]), 'a\t1\nb\t2\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const resolution of ['node10', 'nodenext'] as const) {
  test(`a consumer's strict TypeScript finds every entry point under moduleResolution ${resolution}`, (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-consumer-'));
    try {
      // The consumer's node_modules: the packed files of mrpipe (copied), and @types/node.
      const dest = path.join(dir, 'node_modules', 'mrpipe');
      for (const f of packed) fs.cpSync(path.join(ROOT, f), path.join(dest, f));
      fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'));
      fs.writeFileSync(path.join(dir, 'index.ts'), [
        "import { runJob } from 'mrpipe';",
        "import { splitLines } from 'mrpipe/operators';",
        "import wordcount from 'mrpipe/recipes/wordcount';",
        'export const used = [runJob, splitLines, wordcount];',
        '',
      ].join('\n'));
      const compilerOptions = resolution === 'node10'
        ? { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' }
        : { module: 'nodenext', moduleResolution: 'nodenext' };
      // skipLibCheck off: mrpipe's .d.ts files (and @types/node, which they name) are checked; TypeScript's
      // own lib.*.d.ts are not (skipDefaultLibCheck: they are not under test, and are a third of the time).
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { ...compilerOptions, target: 'es2023', strict: true, noEmit: true, types: ['node'], skipLibCheck: false, skipDefaultLibCheck: true },
        files: ['index.ts'],
      }));
      if (resolution === 'nodenext') fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
      t.is(r.status, 0, r.stdout + r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
