// The benchmark loop: discover cases, generate inputs once, run each contender N times, compare outputs,
// merge the sections into RESULTS.md.
import { readFile, writeFile } from 'node:fs/promises';
import type { BenchCase } from '../case.ts';
import { discoverCases, type LoadedCase } from './discover.ts';
import { ensureInput } from './inputs.ts';
import { machine } from './machine.ts';
import { runOnce, type RunResult } from './measure.ts';
import type { HarnessOptions } from './options.ts';
import { mergeResults, renderCase, renderHeader, type CaseReport } from './report.ts';
import { summarize } from './stats.ts';

export interface BenchOutcome {
  reports: CaseReport[];
  mismatches: string[];
  failures: string[];
}

export async function runBench(o: HarnessOptions, builtIn: BenchCase[] = []): Promise<BenchOutcome> {
  const all: Array<BenchCase | LoadedCase> = [...(await discoverCases(o.casesDir)), ...builtIn];
  const cases = all.filter((c) => !o.filter || o.filter.test(c.title));
  if (cases.length === 0) throw new Error(`no case matches ${o.filter} (cases: ${all.map((c) => c.title).join('; ')})`);
  const m = machine();
  const reports: CaseReport[] = [];
  const mismatches: string[] = [], failures: string[] = [];
  for (const c of cases) {
    o.log(`\n== ${c.title}`);
    const input = await ensureInput(c.input, o.scale, o.dataDir, o.log);
    const caseLoad = machine().load;
    const runs: RunResult[][] = c.contenders.map(() => []);
    const rounds = Math.max(o.runs, c.runs ?? 0);
    // Round-robin over contenders, so a slow drift of the machine affects all alike.
    for (let k = 0; k < rounds; k++) {
      for (const [i, ct] of c.contenders.entries()) {
        const r = await runOnce(ct.command, input.path, ct.normalize, o.cwd);
        runs[i].push(r);
        o.log(`  ${ct.name} [run ${k + 1}/${rounds}]: ${r.seconds.toFixed(2)} s, ${(r.peakRss / 2 ** 20).toFixed(0)} MiB` +
          (r.exitCode ? `, EXIT ${r.exitCode}: ${r.stderrTail.trim().split('\n').slice(-2).join(' / ')}` : ''));
      }
    }
    const sameOutput = c.sameOutput ?? true;
    const rows = summarize(c.contenders, runs, input.bytes, sameOutput);
    for (const r of rows) {
      if (r.mismatch) { mismatches.push(`${c.title}: ${r.contender.name}`); o.log(`  !!! OUTPUT MISMATCH: ${r.contender.name} printed ${JSON.stringify(r.runs[0].outputHead.slice(0, 80))}`); }
      if (r.failed) failures.push(`${c.title}: ${r.contender.name}`);
    }
    reports.push({
      title: c.title, date: new Date().toISOString(), commandLine: o.commandLine, machine: { ...m, load: caseLoad }, scale: o.scale, runs: rounds,
      input: { path: input.path, bytes: input.bytes, kind: c.input.kind }, rows, notes: c.notes, sameOutput,
    });
    // Write after every case: a long run that is stopped keeps what it measured.
    const existing = await readFile(o.resultsPath, 'utf8').catch(() => '');
    const sections = new Map(reports.map((r) => [r.title, renderCase(r)]));
    await writeFile(o.resultsPath, mergeResults(existing, renderHeader(m, new Date().toISOString(), o.commandLine), sections));
  }
  return { reports, mismatches, failures };
}
