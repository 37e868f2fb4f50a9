// The total size of the inputs, for a progress bar's 100% (0 when one of them is stdin or compressed).
import fs from 'node:fs';
import { isGzip } from '../../plumbing/open-input.ts';
import { progressWanted } from './progress.ts';
import type { InputSpec } from './io.ts';

export async function totalInputBytes(specs: readonly InputSpec[]): Promise<number> {
  if (!progressWanted()) return 0;
  let total = 0;
  for (const s of specs) {
    if (s.path === null || isGzip(s.path)) return 0;
    total += fs.statSync(s.path).size;
  }
  return total;
}
