import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runDemo, type DemoReport } from '../../lib/demo/index.ts';

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
