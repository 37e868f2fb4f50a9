// Finds the cases: every bench/cases/*.ts, default export a BenchCase or an array of them.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchCase } from '../case.ts';

export interface LoadedCase extends BenchCase {
  /** The file it came from (for messages). */
  file: string;
}

function check(c: unknown, file: string): BenchCase {
  const b = c as BenchCase;
  if (!b || typeof b.title !== 'string' || !b.input || !Array.isArray(b.contenders)) {
    throw new Error(`${file}: default export must be a BenchCase or BenchCase[] (title, input, contenders)`);
  }
  for (const ct of b.contenders) {
    if (typeof ct.name !== 'string' || typeof ct.command !== 'string') throw new Error(`${file}: case "${b.title}": each contender needs name and command`);
  }
  return b;
}

export async function discoverCases(dir: string): Promise<LoadedCase[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  const out: LoadedCase[] = [];
  for (const f of files) {
    const file = join(dir, f);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const list = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const c of list) out.push({ ...check(c, file), file });
  }
  return out;
}
