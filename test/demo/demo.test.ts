import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runDemo, type DemoReport } from '../../lib/demo/index.ts';
import { CAPPED_FLOOR, defaultCappedSize } from '../../lib/demo/run.ts';
import { countWords } from '../../lib/demo/traditional.ts';

const built = existsSync(fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url)));

(built ? test : test.skip)('the demo runs end to end at tiny sizes and writes its JSON and SVG chart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-demo-test-'));
  try {
    let printed = '';
    const out = new Writable({ write(c, _e, cb) { printed += String(c); cb(); } });
    const progress: string[] = [];
    const report = await runDemo({ sizes: ['256KB', '512KB'], dir, capped: { size: '1MB', heapMb: 32 }, out, log: (l) => progress.push(l), color: false });
    t.is(report.runs.length, 6);
    for (const r of report.runs) t.true(r.ok, `${r.label} at ${r.size}: ${r.error}`);
    t.true(report.runs.every((r) => r.peakRss > 10 * 2 ** 20), 'peak RSS measured for each process');
    t.true(report.outputsIdentical, 'the three paths print the same counts');
    t.true(report.capped?.streaming.ok, 'streaming finishes under the heap cap');
    const json = JSON.parse(await readFile(join(dir, 'demo-results.json'), 'utf8')) as DemoReport;
    t.deepEqual(json.sizes, [256 * 1024, 512 * 1024]);
    const svg = await readFile(join(dir, 'demo-chart.svg'), 'utf8');
    t.regex(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    t.is((svg.match(/<polyline /g) ?? []).length, 6, 'three series in each of two panels');
    t.regex(printed, /in-memory \(traditional\)/);
    t.regex(printed, /Peak RSS \(MB\) vs input size/);
    t.false(printed.includes('\u001b['), 'no colour escapes when colour is off');
    t.true(progress.some((l) => /^\[6\/8\]/.test(l)), 'progress counts the steps');
    // Inputs are kept for reuse, run outputs are not.
    t.deepEqual((await readdir(join(dir, 'runs'))), []);
    const again = await runDemo({ sizes: ['256KB'], dir, capped: false, out, log: (l) => progress.push(l), color: false });
    t.true(progress.some((l) => l.startsWith('reusing ')));
    t.is(again.runs.length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const MB = 2 ** 20;

test('the heap-capped input follows the sizes asked for: the largest, at most 100MB, at least the floor', (t) => {
  t.is(defaultCappedSize([2 * MB, 4 * MB, 8 * MB]), CAPPED_FLOOR);
  t.is(defaultCappedSize([16 * MB, 64 * MB, 48 * MB]), 64 * MB);
  t.is(defaultCappedSize([100 * MB, 500 * MB, 1024 * MB]), 100 * MB);
});

test('the traditional count splits words like the wordcount recipe (ASCII whitespace only)', (t) => {
  const c = countWords('a b  a\n\tb\u00a0c\r\n\n  \x0bz\f');
  t.deepEqual([...c].sort(), [['a', 2], ['b', 1], ['b\u00a0c', 1], ['z', 1]]);
});

(built ? test : test.skip)('mrpipe demo --capped-size runs the heap-capped section at that size', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-demo-test-'));
  try {
    const bin = fileURLToPath(new URL('../../bin/mrpipe.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath,
      [bin, 'demo', '--sizes', '128KB', '--capped-size', '320KB', '--workers', '2', '--dir', dir], { env: { ...process.env, NO_COLOR: '1' } });
    const json = JSON.parse(await readFile(join(dir, 'demo-results.json'), 'utf8')) as DemoReport;
    t.is(json.capped?.size, 320 * 1024);
    t.is(json.capped?.heapMb, 16);
    t.true(json.capped?.streaming.ok, 'streaming finishes under the cap');
    t.regex(stdout, /Memory-bounded: 320 KB of text with a 16 MB heap cap/);
    t.regex(stdout, /── in-memory \(traditional\) {3}══ streaming, 1 worker {3}·· streaming, 2 workers, split/, 'distinct glyphs without colour');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
