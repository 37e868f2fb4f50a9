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
import { CAPPED_SIZE, QUICK_SIZES, describeSummary, summarize, type DemoRun } from '../../lib/demo/run.ts';
import { parseSize } from '../../lib/generate/index.ts';
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
    if (existsSync('/usr/bin/time')) t.true(report.runs.every((r) => typeof r.cpuSeconds === 'number' && r.cpuSeconds > 0), 'CPU time of each process');
    t.regex(printed, /size +path +time +CPU time +throughput +peak RSS/);
    t.true(report.outputsIdentical, 'the three paths print the same counts');
    t.true(report.capped?.streaming.ok, 'streaming finishes under the heap cap');
    const json = JSON.parse(await readFile(join(dir, 'demo-results.json'), 'utf8')) as DemoReport;
    t.deepEqual(json.sizes, [256 * 1024, 512 * 1024]);
    t.deepEqual(Object.keys(json.summary).sort(), ['load', 'splitSpeedup', 'streamingRssSpread', 'traditionalRssGrowth']);
    t.true(json.summary.streamingRssSpread.one !== null && json.summary.splitSpeedup !== null);
    t.regex(printed, /^Memory: streaming \(1 worker\) peaked at .* over 256 KB–512 KB \(.*within \d+%\)/m);
    t.regex(printed, /^Speed: at 512 KB, streaming split across \d+ workers ran [\d.]+× as fast as on 1/m);
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

test('the heap-capped input is 32MB, twice the 16MB cap, whatever the sizes', (t) => {
  t.is(CAPPED_SIZE, 32 * MB);
});

test('npm start sizes: 64MB to 256MB, where start-up no longer decides the times', (t) => {
  t.deepEqual(QUICK_SIZES.map((s) => parseSize(s)), [64 * MB, 128 * MB, 256 * MB]);
});

// Figures of a real run (64/128/256 MB on 2 busy cores), to check what the summary computes and says.
const run = (mode: DemoRun['mode'], size: number, seconds: number, peakMb: number, ok = true): DemoRun => ({
  size: size * MB, mode, label: mode === 'in-memory' ? 'in-memory (traditional)' : mode === 'streaming-1' ? 'streaming, 1 worker' : 'streaming, 2 workers, split',
  ok, seconds, cpuSeconds: null, peakRss: peakMb * MB, throughputMBs: size / seconds, outputHash: ok ? 'h' : null,
});
const SIZES = [64 * MB, 128 * MB, 256 * MB];
const RUNS = [
  run('in-memory', 64, 18.13, 228.1), run('streaming-1', 64, 11.43, 137.6), run('streaming-n', 64, 23.4, 178.6),
  run('in-memory', 128, 22.99, 376.7), run('streaming-1', 128, 6.88, 141.3), run('streaming-n', 128, 30.46, 179.9),
  run('in-memory', 256, 97.44, 688.3), run('streaming-1', 256, 43.96, 137.8), run('streaming-n', 256, 114.34, 186.4),
];

test('the summary: streaming RSS spread, traditional growth, split speed-up at the largest size, load', (t) => {
  const s = summarize(SIZES, RUNS, { before: 23.5, after: 68.8 });
  t.is(Number(s.streamingRssSpread.one?.toFixed(3)), Number(((141.3 - 137.6) / 137.6).toFixed(3)));
  t.is(Number(s.streamingRssSpread.split?.toFixed(3)), Number(((186.4 - 178.6) / 178.6).toFixed(3)));
  t.is(Number(s.traditionalRssGrowth?.toFixed(2)), 3.02);
  t.is(Number(s.splitSpeedup?.toFixed(2)), 0.38);
  const text = describeSummary({ sizes: SIZES, runs: RUNS, summary: s }).join('\n');
  t.regex(text, /^Memory: streaming \(1 worker\) peaked at 137\.6 MB–141\.3 MB over 64 MB–256 MB \(flat: within 3%\); the traditional path grew 3\.0× with the input\.$/m);
  t.regex(text, /^Speed: at 256 MB, streaming split across 2 workers ran 0\.38× as fast as on 1 — the cores were busy \(load average 23\.5 → 68\.8 on \d+ cores\)\.$/m);
  const fast = summarize(SIZES, RUNS.map((r) => (r.mode === 'streaming-n' ? { ...r, seconds: r.seconds / 5 } : r)), { before: 0.5, after: 1 });
  t.regex(describeSummary({ sizes: SIZES, runs: RUNS, summary: fast }).join('\n'), /ran 1\.92× as fast as on 1\.$/m);
});

test('the summary leaves out what a failed run cannot show', (t) => {
  const runs = RUNS.map((r) => (r.mode === 'in-memory' && r.size === 256 * MB ? { ...r, ok: false } : r));
  const s = summarize(SIZES, runs, { before: 1, after: 1 });
  t.is(s.traditionalRssGrowth, null);
  t.not(s.streamingRssSpread.one, null);
  t.regex(describeSummary({ sizes: SIZES, runs, summary: s }).join('\n'), /within 3%\)\.$/m);
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
