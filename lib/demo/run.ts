// `mrpipe demo`: word count three ways over growing inputs, each run in its own process so peak RSS is
// the process's own: (a) the in-memory ("traditional") way — the whole file read into one string, counted in
// a Map (traditional.ts, the demo's own, so the contrast does not depend on which path mrpipe's runtime
// would choose), (b) mrpipe streaming (--streaming on) on one worker, (c) streaming with file splitting on every core. Then (a) under a heap cap, failing, while
// streaming finishes under the same cap. Prints a table, what it shows (summary()) and terminal charts;
// writes demo-results.json and demo-chart.svg into the demo directory.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, generateToFile, parseSize } from '../generate/index.ts';
import { fmtSize, svgChart, terminalChart, type Series } from './charts.ts';
import { measure, type Measured } from './measure.ts';

/** Options of runDemo: the sizes, the quick variant, where inputs and results go, workers and memory (docs/DEMO.md). */
export interface DemoOptions {
  /** Input sizes (bytes or '100MB'). Default 100MB, 500MB, 1GB; --quick: QUICK_SIZES. */
  sizes?: Array<number | string>;
  /** Where inputs (reused when present), results and charts go. Default: <tmpdir>/mrpipe-demo. */
  dir?: string;
  quick?: boolean;
  /** Workers for (c). Default: available parallelism. */
  workers?: number;
  /** --memory for the streaming runs. Default 256MB, mrpipe's own default. */
  memory?: string;
  /** The heap-cap section: its input size (default CAPPED_SIZE, whatever the sizes) and the cap in MB (default 16). */
  capped?: { size?: number | string; heapMb?: number } | false;
  seed?: number;
  /** Where the table and charts go. Default process.stdout. */
  out?: NodeJS.WritableStream;
  /** Where the step lines go. Default process.stderr. */
  log?: (line: string) => void;
  /** A progress display for generating an input of `total` bytes (the CLI passes its progress line). Default: none. */
  progress?: (label: string, total: number) => { update(done: number): void; stop(): void };
  /** Colours in the terminal charts. Default: out is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

/** --quick (npm start): about a minute on an idle 2-core machine, and large enough that start-up (~0.5 s per
 * process, worker threads and module loading) no longer decides the times: docs/DEMO.md. */
export const QUICK_SIZES = ['64MB', '128MB', '256MB'];

export interface DemoRun {
  size: number;
  mode: 'in-memory' | 'streaming-1' | 'streaming-n';
  label: string;
  ok: boolean;
  seconds: number;
  /** User + system CPU seconds (null without GNU time): comparable across loads, where `seconds` is not. */
  cpuSeconds: number | null;
  peakRss: number;
  throughputMBs: number;
  /** sha256 of the sorted output lines (equal across modes when all is well). */
  outputHash: string | null;
  error?: string;
}

/** What runDemo resolves with (and writes as demo-results.json): each size's runs with time and peak RSS. */
export interface DemoReport {
  date: string;
  machine: { cpu: string; cores: number; ramGiB: number; node: string };
  sizes: number[];
  runs: DemoRun[];
  outputsIdentical: boolean;
  capped: null | { size: number; heapMb: number; inMemory: DemoRun; streaming: DemoRun };
  summary: DemoSummary;
  files: { json: string; svg: string };
}

/** What the runs show, computed from them (null where a run it needs failed). */
export interface DemoSummary {
  /** Streaming (1 worker, and split) peak RSS: (max − min) / min across the sizes; flat when within 0.10. */
  streamingRssSpread: { one: number | null; split: number | null };
  /** The traditional path's peak RSS at the largest size over that at the smallest. */
  traditionalRssGrowth: number | null;
  /** At the largest size: one worker's time over the split run's (above 1: splitting across cores is faster). */
  splitSpeedup: number | null;
  /** The 1-minute load average before and after the runs (other processes share the cores). */
  load: { before: number; after: number };
}

export class DemoUnavailableError extends Error {}

/** The heap cap of the memory-bounded section, in MB. */
export const CAPPED_HEAP_MB = 16;
/** That section's input: (a) needs about 1–2× the file in heap (it fails from 8 MB under a 16 MB cap and
 * holds 16 MB under 32 MB), so twice the cap fails with a margin. The section shows failing against
 * finishing, not growth: one size serves every size list, and streaming under a 16 MB heap is slow (GC). */
export const CAPPED_SIZE = 32 * 2 ** 20;

/** What the runs show: streaming's memory flat, the traditional path's growing, splitting's speed-up. */
export function summarize(sizes: number[], runs: DemoRun[], load: DemoSummary['load']): DemoSummary {
  const of = (mode: DemoRun['mode'], size: number): DemoRun | undefined => runs.find((r) => r.mode === mode && r.size === size && r.ok);
  const spread = (mode: DemoRun['mode']): number | null => {
    const rss = sizes.map((s) => of(mode, s)?.peakRss ?? NaN);
    if (rss.some((r) => !(r > 0))) return null;
    return (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss);
  };
  const small = of('in-memory', Math.min(...sizes)), large = of('in-memory', Math.max(...sizes));
  const one = of('streaming-1', Math.max(...sizes)), split = of('streaming-n', Math.max(...sizes));
  return {
    streamingRssSpread: { one: spread('streaming-1'), split: spread('streaming-n') },
    traditionalRssGrowth: small && large && sizes.length > 1 ? large.peakRss / small.peakRss : null,
    splitSpeedup: one && split ? one.seconds / split.seconds : null,
    load,
  };
}

// traditional.ts beside this file (.ts from source, .js from dist).
const TRADITIONAL = fileURLToPath(new URL(`./traditional${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** The repository (package) root: where bin/mrpipe.js lives, from lib/demo or dist/lib/demo. */
function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) || !existsSync(join(d, 'bin', 'mrpipe.js'))) {
    const up = dirname(d);
    if (up === d) throw new DemoUnavailableError('cannot find the mrpipe package root (bin/mrpipe.js)');
    d = up;
  }
  return d;
}

async function outputHash(dir: string): Promise<string> {
  const parts = (await readdir(dir)).filter((f) => f.startsWith('part-')).sort();
  const lines: string[] = [];
  for (const p of parts) {
    const text = await readFile(join(dir, p), 'latin1');
    for (const l of text.split('\n')) if (l) lines.push(l);
  }
  lines.sort();
  return createHash('sha256').update(lines.join('\n'), 'latin1').digest('hex');
}

function failure(m: Measured): string {
  const oom = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY|out of heap/i.test(m.stderr);
  const why = oom ? 'out of memory (JavaScript heap limit reached)' : m.signal ? `killed by ${m.signal}` : `exit ${m.exitCode}`;
  const last = m.stderr.trim().split('\n').filter((l) => !/^\s*(\d+:|<--|\[|at |#)/.test(l)).slice(-1)[0] ?? '';
  return oom ? why : `${why}${last ? `: ${last.slice(0, 160)}` : ''}`;
}

/**
 * The word-count demo: the traditional path (whole file in memory) vs streaming vs split over all cores,
 * timed with peak RSS, printed as a table and chart and saved as JSON + SVG. Needs the built CLI.
 *
 * @param opts `sizes` (default 100MB, 500MB, 1GB), `quick`, `dir`, `workers`, `memory`, `capped`, `seed`,
 *   `out`, `log`, `color` (docs/DEMO.md).
 * @example
 * const report = await runDemo({ quick: true });
 */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoReport> {
  const root = packageRoot();
  const cli = join(root, 'bin', 'mrpipe.js');
  if (!existsSync(join(root, 'dist', 'lib', 'cli', 'main.js'))) {
    throw new DemoUnavailableError(`the CLI is not built (${join(root, 'dist/lib/cli/main.js')} is missing): run \`npm run build\` first`);
  }
  const out = opts.out ?? process.stdout;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const color = opts.color ?? (Boolean((out as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR);
  const quick = opts.quick ?? false;
  const sizes = (opts.sizes ?? (quick ? QUICK_SIZES : ['100MB', '500MB', '1GB'])).map((s) => parseSize(s, 'sizes')).sort((a, b) => a - b);
  if (sizes.length === 0 || sizes.some((s) => s <= 0)) throw new RangeError('demo sizes must be positive');
  const dir = opts.dir ?? join(tmpdir(), 'mrpipe-demo');
  const workers = opts.workers ?? availableParallelism();
  const memory = opts.memory ?? '256MB';
  const seed = opts.seed ?? 1;
  const capped = opts.capped === false ? null : {
    size: opts.capped?.size === undefined ? CAPPED_SIZE : parseSize(opts.capped.size),
    heapMb: opts.capped?.heapMb ?? CAPPED_HEAP_MB,
  };
  if (capped && (!(capped.size > 0) || !(capped.heapMb > 0))) throw new RangeError('the capped size and heap cap must be positive');
  await mkdir(dir, { recursive: true });
  const loadBefore = loadavg()[0];

  const input = async (size: number): Promise<string> => {
    const path = join(dir, `text-${size}-s${seed}-g${GENERATOR_VERSION}.txt`);
    if (existsSync(path)) { log(`reusing ${path}`); return path; }
    log(`generating ${path}`);
    const bar = opts.progress?.(`generate ${fmtSize(size)}`, size);
    try {
      await generateToFile('text', path, { size, seed, onProgress: (p) => bar?.update(p.bytesWritten) });
    } finally {
      bar?.stop();
    }
    return path;
  };

  const wordcount = (args: string[]) => (path: string, outDir: string) => [cli, 'run', 'wordcount', path, '-o', outDir, '-q', ...args];
  const modes = [
    { mode: 'in-memory', label: 'in-memory (traditional)', argv: (_size: number, _mem?: string) => (path: string, outDir: string) => [TRADITIONAL, path, outDir] },
    { mode: 'streaming-1', label: 'streaming, 1 worker', argv: (_size: number, mem = memory) => wordcount(['--streaming', 'on', '--workers', '1', '--map-tasks', '1', '--memory', mem]) },
    // One map task per worker: each task counts into its own table under its share of the budget, so more
    // tasks than workers only repeat the distinct words (measured: 128MB over 2 workers spilled 12 times on
    // 64 MB of text and took 2.5× the CPU of one worker; 256MB, 2 tasks: 2 spills, 1.4×).
    { mode: 'streaming-n', label: `streaming, ${workers} workers, split`, argv: () => wordcount(['--streaming', 'on', '--workers', String(workers), '--map-tasks', String(workers), '--memory', memory]) },
  ] as const;

  const runsDir = join(dir, 'runs');
  let step = 0;
  const steps = sizes.length * modes.length + (capped ? 2 : 0);
  const runOne = async (size: number, path: string, m: (typeof modes)[number], nodeArgs: string[] = [], mem?: string): Promise<DemoRun> => {
    const outDir = join(runsDir, `${m.mode}-${size}`);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(runsDir, { recursive: true });
    step++;
    const r = await measure([process.execPath, ...nodeArgs, ...m.argv(size, mem)(path, outDir)], root);
    const ok = r.exitCode === 0 && existsSync(join(outDir, '_SUCCESS'));
    const run: DemoRun = {
      size, mode: m.mode, label: m.label, ok, seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRss: r.peakRss,
      throughputMBs: size / 2 ** 20 / r.seconds, outputHash: ok ? await outputHash(outDir) : null,
      ...(ok ? {} : { error: failure(r) }),
    };
    await rm(outDir, { recursive: true, force: true });
    log(`[${step}/${steps}] ${fmtSize(size)} ${m.label}${nodeArgs.length ? ` (${nodeArgs.join(' ')})` : ''}: ` +
      (ok ? `${r.seconds.toFixed(2)} s, peak RSS ${fmtSize(r.peakRss)}` : `FAILED after ${r.seconds.toFixed(1)} s, ${run.error}`));
    return run;
  };

  const runs: DemoRun[] = [];
  for (const size of sizes) {
    const path = await input(size);
    for (const m of modes) runs.push(await runOne(size, path, m));
  }
  let cappedResult: DemoReport['capped'] = null;
  if (capped) {
    const { size } = capped;
    const path = await input(size);
    const cap = [`--max-old-space-size=${capped.heapMb}`];
    log(`heap cap ${capped.heapMb} MB on ${fmtSize(size)} of text:`);
    const inMemory = await runOne(size, path, modes[0], cap);
    const streaming = await runOne(size, path, modes[1], cap, `${capped.heapMb}MB`);
    cappedResult = { size, heapMb: capped.heapMb, inMemory, streaming };
  }

  const hashes = new Set(runs.filter((r) => r.ok).map((r) => `${r.size}:${r.outputHash}`));
  const outputsIdentical = sizes.every((s) => new Set(runs.filter((r) => r.ok && r.size === s).map((r) => r.outputHash)).size <= 1) && hashes.size > 0;
  const c = cpus();
  const report: DemoReport = {
    date: new Date().toISOString(),
    machine: { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, ramGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    sizes, runs, outputsIdentical, capped: cappedResult, summary: summarize(sizes, runs, { before: loadBefore, after: loadavg()[0] }),
    files: { json: join(dir, 'demo-results.json'), svg: join(dir, 'demo-chart.svg') },
  };
  out.write(renderTable(report));
  const series = (f: (r: DemoRun) => number): Series[] => modes.map((m) => ({
    label: m.label, values: sizes.map((s) => { const r = runs.find((x) => x.size === s && x.mode === m.mode); return r && r.ok ? f(r) : NaN; }),
  }));
  const rss = series((r) => r.peakRss / 2 ** 20), time = series((r) => r.seconds);
  out.write(`\n${terminalChart('Peak RSS (MB) vs input size', sizes, rss, 'MB', color)}\n${terminalChart('Time (s) vs input size', sizes, time, 's', color)}`);
  await writeFile(report.files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(report.files.svg, svgChart('mrpipe demo: word count', sizes, rss, time));
  out.write(`\nwrote ${report.files.json}\n      ${report.files.svg}\n`);
  return report;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The summary in words, as measured: what holds and what did not on this run. */
export function describeSummary(r: Pick<DemoReport, 'sizes' | 'runs' | 'summary'>): string[] {
  const { streamingRssSpread: spread, traditionalRssGrowth: growth, splitSpeedup: speedup, load } = r.summary;
  const range = `${fmtSize(Math.min(...r.sizes))}–${fmtSize(Math.max(...r.sizes))}`;
  const lines: string[] = [];
  if (spread.one !== null) {
    const rss = r.runs.filter((x) => x.mode === 'streaming-1' && x.ok).map((x) => x.peakRss);
    lines.push(`Memory: streaming (1 worker) peaked at ${fmtSize(Math.min(...rss))}–${fmtSize(Math.max(...rss))} over ${range} ` +
      `(${spread.one <= 0.1 ? 'flat: ' : ''}within ${pct(spread.one)})` +
      (growth !== null ? `; the traditional path grew ${growth.toFixed(1)}× with the input.` : '.'));
  }
  if (speedup !== null) {
    const workers = /(\d+) workers/.exec(r.runs.find((x) => x.mode === 'streaming-n')?.label ?? '')?.[1] ?? 'all';
    lines.push(`Speed: at ${fmtSize(Math.max(...r.sizes))}, streaming split across ${workers} workers ran ${speedup.toFixed(2)}× as fast as on 1` +
      (speedup < 1.2 ? ` — the cores were busy (load average ${load.before.toFixed(1)} → ${load.after.toFixed(1)} on ${cpus().length} cores).` : '.'));
  }
  return lines;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function renderTable(r: DemoReport): string {
  const head = ['size', 'path', 'time', 'CPU time', 'throughput', 'peak RSS', 'speedup', 'memory saving'];
  const rows: string[][] = [];
  for (const size of r.sizes) {
    const base = r.runs.find((x) => x.size === size && x.mode === 'in-memory');
    for (const x of r.runs.filter((y) => y.size === size)) {
      const speed = base?.ok && x.ok && x !== base ? `${(base.seconds / x.seconds).toFixed(2)}×` : x === base ? '1.00×' : '—';
      const save = base?.ok && x.ok && x !== base ? `${Math.round((1 - x.peakRss / base.peakRss) * 100)}%` : x === base ? '—' : '—';
      rows.push([fmtSize(size), x.label, x.ok ? `${x.seconds.toFixed(2)} s` : 'FAILED', x.ok && x.cpuSeconds !== null ? `${x.cpuSeconds.toFixed(2)} s` : '—',
        x.ok ? `${x.throughputMBs.toFixed(0)} MB/s` : '',
        fmtSize(x.peakRss), x.ok ? speed : '', x.ok ? save : '']);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, w[i], i >= 2)).join('  ');
  const out = ['', 'Word count, each run in its own process (speedup and memory saving against the in-memory path;', 'CPU time = user + system, the work done whatever else runs on the machine):', '',
    line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)];
  out.push('', r.outputsIdentical ? 'All paths printed identical counts.' : 'WARNING: the paths did not print identical counts (or a run failed).');
  out.push('', ...describeSummary(r));
  if (r.capped) {
    const { inMemory: a, streaming: b, heapMb, size } = r.capped;
    out.push('', `Memory-bounded: ${fmtSize(size)} of text with a ${heapMb} MB heap cap (--max-old-space-size=${heapMb}):`,
      `  in-memory: ${a.ok ? `finished in ${a.seconds.toFixed(1)} s, peak RSS ${fmtSize(a.peakRss)}` : `failed cleanly after ${a.seconds.toFixed(1)} s: ${a.error}`}`,
      `  streaming (--memory ${heapMb}MB): ${b.ok ? `finished in ${b.seconds.toFixed(1)} s, peak RSS ${fmtSize(b.peakRss)}` : `FAILED: ${b.error}`}`);
  }
  return `${out.join('\n')}\n`;
}
