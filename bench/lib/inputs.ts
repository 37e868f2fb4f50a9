// Inputs: generated once per distinct (kind, scaled size, seed, vocabulary, generator version) into the data
// dir and reused while a file of that name exists (generateToFile writes under a temporary name and renames
// when complete, so an existing name is always a whole file).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATOR_VERSION, generateToFile } from '../../lib/generate/index.ts';
import { progress } from '../../lib/cli/progress.ts';
import type { BenchInput } from '../case.ts';
import { ensureRealCorpus, ensureWordCountTable } from './real-corpus.ts';

/** The 'line' input: one short line, as a shell loop over small files gives each command. */
const ONE_LINE = 'hello world\n';

export interface ResolvedInput {
  path: string;
  /** Bytes actually in the file (≤ the scaled size: whole lines only). */
  bytes: number;
  /** Seconds spent generating it now (0 when reused). */
  generatedIn: number;
}

export function scaledSize(input: BenchInput, scale: number): number {
  return Math.max(1, Math.round(input.size * scale));
}

export function inputName(input: BenchInput, scale: number): string {
  const parts = [input.kind, String(scaledSize(input, scale)), `s${input.seed ?? 1}`];
  if (input.vocabulary !== undefined) parts.push(`v${input.vocabulary}`);
  parts.push(`g${GENERATOR_VERSION}`);
  return `${parts.join('-')}.${input.kind === 'activity' ? 'jsonl' : input.kind === 'logs' ? 'log' : 'txt'}`;
}

export async function ensureInput(input: BenchInput, scale: number, dataDir: string, log: (m: string) => void): Promise<ResolvedInput> {
  await mkdir(dataDir, { recursive: true });
  if (input.kind === 'line') {
    const path = join(dataDir, 'line.txt');
    await writeFile(path, ONE_LINE);
    return { path, bytes: ONE_LINE.length, generatedIn: 0 };
  }
  if (input.kind === 'real') return { ...(await ensureRealCorpus(scaledSize(input, scale), dataDir, log)), generatedIn: 0 };
  if (input.kind === 'real-counts') return { ...(await ensureWordCountTable(scaledSize(input, scale), dataDir, log)), generatedIn: 0 };
  const path = join(dataDir, inputName(input, scale));
  const existing = await stat(path).catch(() => null);
  if (existing) return { path, bytes: existing.size, generatedIn: 0 };
  const size = scaledSize(input, scale);
  log(`generating ${path} (${input.kind}, ${size} bytes)`);
  const bar = progress('bench', `generate ${input.kind}`, 'bytes', size);
  const t0 = performance.now();
  const r = await generateToFile(input.kind as 'text' | 'logs' | 'activity', path, { size, seed: input.seed ?? 1, vocabulary: input.vocabulary, onProgress: (p) => bar.update(p.bytesWritten) });
  bar.stop();
  const secs = (performance.now() - t0) / 1000;
  log(`  ${r.bytes} bytes, ${r.lines} lines in ${secs.toFixed(2)} s (${(r.bytes / 1e6 / secs).toFixed(0)} MB/s)`);
  return { path, bytes: r.bytes, generatedIn: secs };
}
