// Every ```ts block of README.md and docs/*.md, as a user gets it: pasted into a fresh project whose
// node_modules/mrpipe links to this repo (so 'mrpipe' and 'mrpipe/operators' resolve through package.json
// "exports" to the built dist/ and its .d.ts), typechecked with `tsc --strict`, and run in a directory
// holding the files the snippets name. A snippet that stops compiling or running fails here, naming its line.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../cli/helpers.ts';
import { allSnippets, type Snippet } from './snippets.ts';

const snippets = allSnippets(ROOT);
let dir: string;

/** A project holding the snippets: node_modules links to this repo's packages, with mrpipe itself. */
function makeProject(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-snippets-'));
  fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
  fs.writeFileSync(path.join(d, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2023', lib: ['es2023'], module: 'nodenext', moduleResolution: 'nodenext',
      // mrpipe's .d.ts files are checked (skipLibCheck off); TypeScript's own lib.*.d.ts are not under test.
      types: ['node'], skipLibCheck: false, skipDefaultLibCheck: true, allowImportingTsExtensions: true,
    },
    include: ['*.ts'],
  }));
  const nm = path.join(d, 'node_modules');
  fs.mkdirSync(nm);
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === 'mrpipe' || name.startsWith('.')) continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(nm, name));
  }
  fs.symlinkSync(ROOT, path.join(nm, 'mrpipe'));
  for (const s of snippets) {
    // Top-level await needs a module: a block with no import or export still is one in a real project file.
    const isModule = /^\s*(import|export)\s/m.test(s.code);
    fs.writeFileSync(path.join(d, s.file), isModule ? s.code : `${s.code}export {};\n`);
  }
  // The files the snippets read.
  const lines = Array.from({ length: 3000 }, (_, i) => `${(i * 7919) % 1000} word${i % 17} the quick brown fox ${i % 5 === 0 ? 'jumps over the lazy dog again and again' : ''}`);
  fs.writeFileSync(path.join(d, 'big.log'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(d, 'huge.txt'), lines.join('\n') + '\n');
  fs.mkdirSync(path.join(d, 'data'));
  fs.writeFileSync(path.join(d, 'data', 'a.txt'), lines.slice(0, 500).join('\n') + '\n');
  return d;
}

test.before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'operators', 'index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  }
  dir = makeProject();
});
test.after.always(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const whereOf = (file: string): string => snippets.find((s) => s.file === file)?.where ?? file;

test('the README and docs have ts snippets, and every one typechecks under --strict against the built package', (t) => {
  t.true(snippets.filter((s) => s.where.startsWith('README.md')).length >= 5, 'README code blocks found');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
  // Name each error by the markdown line its block starts at.
  const report = r.stdout.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (_m, f: string, l: string, c: string) => `${whereOf(f)} (line ${l} of the block, col ${c})`);
  t.is(r.status, 0, report || r.stderr);
});

function run(s: Snippet): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [s.file], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, MRPIPE_NO_PROGRESS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const s of snippets.filter((x) => x.run)) {
  test.serial(`${s.where} runs`, (t) => {
    const r = run(s);
    t.is(r.status, 0, `${s.where} (${s.file}) failed:\n${r.stderr}`);
    if (/aggregate\('sum'/.test(s.code) && /Readable\.from\(sales\)/.test(s.code)) t.is(r.stdout, 'ink 2\npens 7\n');
    if (/highland\(pairs\)/.test(s.code)) t.is(r.stdout, "[ [ 'a', 2 ], [ 'b', 1 ] ]\n");
    if (/externalSort\(/.test(s.code) && /sorted\.txt/.test(s.code)) {
      const oracle = spawnSync('sort', ['huge.txt'], { cwd: dir, env: { ...process.env, LC_ALL: 'C' } }).stdout;
      t.true(fs.readFileSync(path.join(dir, 'sorted.txt')).equals(oracle), 'sorted.txt = LC_ALL=C sort');
    }
  });
}
