// `mrpipe demo`: word count three ways over growing inputs, each run in its own process so peak RSS is
// the process's own: (a) the in-memory ("traditional") way — the whole file read into one string, counted in
// a Map (traditional.ts), (b) mrpipe streaming on one worker, (c) streaming with file splitting on every
// core. Then (a) under a heap cap, failing, while streaming finishes under the same cap. Prints a table and terminal charts; writes demo-results.json
// and demo-chart.svg into the demo directory.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, generateToFile, parseSize, progressBar } from '../generate/index.ts';
import { fmtSize, svgChart, terminalChart, type Series } from './charts.ts';
import { measure, type Measured } from './measure.ts';

export interface DemoOptions {
  /** Input sizes (bytes or '100MB'). Default 100MB, 500MB, 1GB; --quick: QUICK_SIZES. */
  sizes?: Array<number | string>;
  /** Where inputs (reused when present), results and charts go. Default: <tmpdir>/mrpipe-demo. */
  dir?: string;
  quick?: boolean;
  /** Workers for (c). Default: available parallelism. */
  workers?: number;
  /** --memory for the streaming runs. Default 128MB. */
  memory?: string;
  /** The heap-cap section: its input size (default: the largest size, at most 100MB, at least CAPPED_FLOOR)
   * and the cap in MB (default 16). */
  capped?: { size?: number | string; heapMb?: number } | false;
  seed?: number;
  /** Where the table and charts go. Default process.stdout. */
  out?: NodeJS.WritableStream;
  /** Where progress goes. Default process.stderr. */
  log?: (line: string) => void;
  /** Colours in the terminal charts. Default: out is a TTY and NO_COLOR is unset. */
  color?: boolean;
}

/** --quick: small enough for about a minute on 2 cores, large enough that (a)'s memory visibly grows. */
export const QUICK_SIZES = ['8MB', '16MB', '32MB'];

export interface DemoRun {
  size: number;
  mode: 'in-memory' | 'streaming-1' | 'streaming-n';
  label: string;
  ok: boolean;
  seconds: number;
  peakRss: number;
  throughputMBs: number;
  /** sha256 of the sorted output lines (equal across modes when all is well). */
  outputHash: string | null;
  error?: string;
}

export interface DemoReport {
  date: string;
  machine: { cpu: string; cores: number; ramGiB: number; node: string };
  sizes: number[];
  runs: DemoRun[];
  outputsIdentical: boolean;
  capped: null | { size: number; heapMb: number; inMemory: DemoRun; streaming: DemoRun };
  files: { json: string; svg: string };
}

export class DemoUnavailableError extends Error {}

/** The heap cap of the memory-bounded section, in MB. */
export const CAPPED_HEAP_MB = 16;
/** The smallest default input for that section: (a) needs about 1–2× the file in heap (measured: fails
 * from 8 MB under a 16 MB cap; under 32 MB it holds 16 MB), so twice the cap fails with a margin. */
export const CAPPED_FLOOR = 32 * 2 ** 20;
const CAPPED_CEILING = 100 * 2 ** 20;

/** The heap-cap section's input size when none is given: the largest demo size within [floor, 100MB]. */
export function defaultCappedSize(sizes: number[]): number {
  return Math.max(CAPPED_FLOOR, Math.min(Math.max(...sizes), CAPPED_CEILING));
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
  const memory = opts.memory ?? '128MB';
  const seed = opts.seed ?? 1;
  const capped = opts.capped === false ? null : {
    size: opts.capped?.size === undefined ? defaultCappedSize(sizes) : parseSize(opts.capped.size),
    heapMb: opts.capped?.heapMb ?? CAPPED_HEAP_MB,
  };
  if (capped && (!(capped.size > 0) || !(capped.heapMb > 0))) throw new RangeError('the capped size and heap cap must be positive');
  await mkdir(dir, { recursive: true });

  const input = async (size: number): Promise<string> => {
    const path = join(dir, `text-${size}-s${seed}-g${GENERATOR_VERSION}.txt`);
    if (existsSync(path)) { log(`reusing ${path}`); return path; }
    log(`generating ${path}`);
    const bar = progressBar(`generate ${fmtSize(size)}`, size);
    await generateToFile('text', path, { size, seed, onProgress: (p) => bar.update(p) });
    bar.stop();
    return path;
  };

  const wordcount = (args: string[]) => (path: string, outDir: string) => [cli, 'run', 'wordcount', path, '-o', outDir, '-q', ...args];
  const modes = [
    { mode: 'in-memory', label: 'in-memory (traditional)', argv: (_size: number, _mem?: string) => (path: string, outDir: string) => [TRADITIONAL, path, outDir] },
    { mode: 'streaming-1', label: 'streaming, 1 worker', argv: (_size: number, mem = memory) => wordcount(['--streaming', 'on', '--workers', '1', '--map-tasks', '1', '--memory', mem]) },
    { mode: 'streaming-n', label: `streaming, ${workers} workers, split`, argv: (size: number) => wordcount(['--streaming', 'on', '--workers', String(workers), '--map-tasks', String(Math.max(workers, Math.ceil(size / (64 << 20)))), '--memory', memory]) },
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
      size, mode: m.mode, label: m.label, ok, seconds: r.seconds, peakRss: r.peakRss,
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
    sizes, runs, outputsIdentical, capped: cappedResult,
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

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function renderTable(r: DemoReport): string {
  const head = ['size', 'path', 'time', 'throughput', 'peak RSS', 'speedup', 'memory saving'];
  const rows: string[][] = [];
  for (const size of r.sizes) {
    const base = r.runs.find((x) => x.size === size && x.mode === 'in-memory');
    for (const x of r.runs.filter((y) => y.size === size)) {
      const speed = base?.ok && x.ok && x !== base ? `${(base.seconds / x.seconds).toFixed(2)}×` : x === base ? '1.00×' : '—';
      const save = base?.ok && x.ok && x !== base ? `${Math.round((1 - x.peakRss / base.peakRss) * 100)}%` : x === base ? '—' : '—';
      rows.push([fmtSize(size), x.label, x.ok ? `${x.seconds.toFixed(2)} s` : 'FAILED', x.ok ? `${x.throughputMBs.toFixed(0)} MB/s` : '',
        fmtSize(x.peakRss), x.ok ? speed : '', x.ok ? save : '']);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, w[i], i >= 2)).join('  ');
  const out = ['', 'Word count, each run in its own process (speedup and memory saving against the in-memory path):', '',
    line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)];
  out.push('', r.outputsIdentical ? 'All paths printed identical counts.' : 'WARNING: the paths did not print identical counts (or a run failed).');
  if (r.capped) {
    const { inMemory: a, streaming: b, heapMb, size } = r.capped;
    out.push('', `Memory-bounded: ${fmtSize(size)} of text with a ${heapMb} MB heap cap (--max-old-space-size=${heapMb}):`,
      `  in-memory: ${a.ok ? `finished in ${a.seconds.toFixed(1)} s, peak RSS ${fmtSize(a.peakRss)}` : `failed cleanly after ${a.seconds.toFixed(1)} s: ${a.error}`}`,
      `  streaming (--memory ${heapMb}MB): ${b.ok ? `finished in ${b.seconds.toFixed(1)} s, peak RSS ${fmtSize(b.peakRss)}` : `FAILED: ${b.error}`}`);
  }
  return `${out.join('\n')}\n`;
}
