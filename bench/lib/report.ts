// RESULTS.md: a header for the whole file, then one section per case between markers, so a filtered run
// replaces only the sections it ran and keeps the others (each section says when and how it was measured).
import type { Machine } from './machine.ts';
import type { ContenderResult } from './stats.ts';

export interface CaseReport {
  title: string;
  date: string;
  commandLine: string;
  machine: Machine;
  scale: number;
  runs: number;
  input: { path: string; bytes: number; kind: string };
  rows: ContenderResult[];
  notes?: string;
  sameOutput: boolean;
}

const START = (t: string) => `<!-- case: ${t} -->`;
const END = '<!-- /case -->';

function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n >= 100 * 2 ** 20 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

function fmtSecs(s: number): string {
  // Below 0.1 s (start-up cases) to the millisecond: hundredths of a second would hide the differences.
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : s >= 0.1 ? `${s.toFixed(2)} s` : `${s.toFixed(3)} s`;
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}, load average ${m.load}`;
}

export function renderCase(r: CaseReport): string {
  const out: string[] = [START(r.title), `## ${r.title}`, ''];
  out.push(`Input: ${r.input.kind}, ${fmtBytes(r.input.bytes)} (${r.input.bytes} bytes${r.scale !== 1 ? `, BENCH_SCALE=${r.scale}` : ''}), ` +
    `\`${r.input.path.replace(/^.*\/bench\/data\//, 'bench/data/')}\`. ${r.runs} run${r.runs > 1 ? 's' : ''} each; ` +
    `measured ${r.date} with \`${r.commandLine}\` on ${machineLine(r.machine)}.`, '');
  out.push('| contender | median time | min | peak RSS | throughput | vs fastest peer |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of r.rows) {
    // A pipe in a contender's name ("cat | mrpipe …") would end the Markdown cell: escape it.
    const name = `${row.contender.name}${row.contender.peer ? ' (peer)' : ''}`.replaceAll('|', '\\|');
    if (row.failed) {
      const code = row.runs.find((x) => x.exitCode !== 0)?.exitCode;
      out.push(`| ${name} | FAILED (exit ${code}) | | ${fmtBytes(row.peakRss)} | | |`);
      continue;
    }
    const vs = row.vsFastestPeer === null ? '—' : `${row.vsFastestPeer.toFixed(2)}×`;
    out.push(`| ${row.mismatch ? '⚠ OUTPUT MISMATCH: ' : ''}${name} | ${fmtSecs(row.median)} | ${fmtSecs(row.min)} | ${fmtBytes(row.peakRss)} | ${row.throughput.toFixed(0)} MB/s | ${vs} |`);
  }
  out.push('');
  out.push('vs fastest peer = fastest peer\'s median / this median (above 1: faster than every peer). Throughput = input bytes (10^6) / median. ' +
    'Peak RSS = the largest single process of the command (GNU time -v).');
  const bad = r.rows.filter((x) => x.mismatch);
  if (bad.length) {
    out.push('', `**⚠ Output mismatch** (${r.sameOutput ? 'sha256 of normalised stdout' : ''}): ` + bad.map((x) => `${x.contender.name} printed \`${x.runs[0].outputHead.slice(0, 80).replace(/\n/g, '⏎')}\``).join('; '));
  }
  const failed = r.rows.filter((x) => x.failed);
  for (const f of failed) {
    const tail = f.runs.find((x) => x.exitCode !== 0)?.stderrTail.trim().split('\n').slice(-3).join(' / ') ?? '';
    out.push('', `**Failed:** ${f.contender.name}: ${tail.slice(0, 300)}`);
  }
  if (r.notes) out.push('', r.notes);
  out.push(END);
  return out.join('\n');
}

export function renderHeader(m: Machine, date: string, commandLine: string): string {
  return [
    '# mrpipe benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts; cases in bench/cases/*.ts, inputs from lib/generate). Do not edit by hand:',
    'sections are replaced when their case is run again. Options: `BENCH_SCALE=0.1` (input sizes ×0.1), `BENCH_RUNS=5`,',
    '`BENCH_FILTER=regex` or `npm run bench -- regex` (only cases whose title matches).',
    '',
    `Last run: ${date}, \`${commandLine}\`, on ${machineLine(m)}.`,
    '',
  ].join('\n');
}

/** Merges new case sections into an existing RESULTS.md: same-title sections replaced, others kept in order, new ones appended. */
export function mergeResults(existing: string, header: string, sections: Map<string, string>): string {
  const kept: Array<[string, string]> = [];
  const re = /<!-- case: (.*?) -->[\s\S]*?<!-- \/case -->/g;
  for (const m of existing.matchAll(re)) kept.push([m[1], m[0]]);
  const titles = new Set(kept.map(([t]) => t));
  const body = kept.map(([t, s]) => sections.get(t) ?? s);
  for (const [t, s] of sections) if (!titles.has(t)) body.push(s);
  return `${header}\n${body.join('\n\n')}\n`;
}
