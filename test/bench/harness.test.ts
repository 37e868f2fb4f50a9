import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GENERATOR_VERSION } from '../../lib/generate/index.ts';
import { mergeResults } from '../../bench/lib/report.ts';
import { parseTimeV, substitute } from '../../bench/lib/measure.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const cases = fileURLToPath(new URL('./fixtures/cases', import.meta.url));

async function bench(dir: string, ...args: string[]) {
  return run(process.execPath, ['bench/run.ts', '--cases', cases, '--data', join(dir, 'data'), '--results', join(dir, 'RESULTS.md'), '--runs', '2', ...args], { cwd: root })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
}

test('the harness generates the input once, measures, agrees on outputs, flags a mismatch, writes RESULTS.md', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-bench-test-'));
  try {
    const r = await bench(dir, 'harness test');
    t.is(r.code, 1, 'a mismatch makes the run fail');
    t.regex(r.stderr, /OUTPUT MISMATCH.*wrong/s);
    const md = await readFile(join(dir, 'RESULTS.md'), 'utf8');
    t.regex(md, /Node v24/);
    t.regex(md, /npm run bench -- /);
    t.regex(md, /## count lines \(harness test\)/);
    t.regex(md, /\| wc -l \(peer\) \| [\d.]+ s \| [\d.]+ s \| [\d.]+ (MiB|KiB) \| \d+ MB\/s \| [\d.]+× \|/);
    t.notRegex(md.split('## mismatch')[0], /MISMATCH:/, 'the counters agree');
    t.regex(md, /⚠ OUTPUT MISMATCH: wrong/);
    t.regex(md, /Two peers and a Node one-liner/);
    t.notRegex(md, /dataset generator/, 'the filter left the generator case out');
    // One input file, reused by the second run (same mtime), no temp files left.
    const files = await readdir(join(dir, 'data'));
    t.deepEqual(files, [`text-1000000-s3-g${GENERATOR_VERSION}.txt`]);
    const before = (await stat(join(dir, 'data', files[0]))).mtimeMs;
    const r2 = await bench(dir, '--filter', 'count lines');
    t.is(r2.code, 0, r2.stderr);
    t.is((await stat(join(dir, 'data', files[0]))).mtimeMs, before);
    const md2 = await readFile(join(dir, 'RESULTS.md'), 'utf8');
    t.regex(md2, /## mismatch \(harness test\)/, 'sections not run are kept');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad options are named', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-bench-test-'));
  try {
    const r = await bench(dir, '--scale', 'big');
    t.is(r.code, 2);
    t.regex(r.stderr, /BENCH_SCALE \/ --scale must be a positive number, got "big"/);
    const r2 = await bench(dir, 'no such case');
    t.regex(r2.stderr, /no case matches/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('helpers: placeholders are shell-quoted, GNU time output parsed, sections merged in place', (t) => {
  t.is(substitute('cat {input} > {tmp}/x; {node} -v', { input: "/a b/it's", tmp: '/t', node: '/n' }), `cat '/a b/it'\\''s' > '/t'/x; '/n' -v`);
  t.deepEqual(parseTimeV('\tMaximum resident set size (kbytes): 2048\n\tExit status: 3\n'), { peakRss: 2048 * 1024, exitStatus: 3 });
  const old = 'H\n<!-- case: a -->A1<!-- /case -->\n\n<!-- case: b -->B1<!-- /case -->\n';
  const merged = mergeResults(old, 'H2\n', new Map([['b', '<!-- case: b -->B2<!-- /case -->'], ['c', '<!-- case: c -->C<!-- /case -->']]));
  t.is(merged, 'H2\n\n<!-- case: a -->A1<!-- /case -->\n\n<!-- case: b -->B2<!-- /case -->\n\n<!-- case: c -->C<!-- /case -->\n');
});
