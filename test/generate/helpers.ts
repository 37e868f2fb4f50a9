// Test helpers: collect a generator's output, hash it.
import { createHash } from 'node:crypto';
import { generate, type GenerateKind, type GenerateOptions } from '../../lib/generate/index.ts';

export async function collect(kind: GenerateKind, opts: GenerateOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of generate(kind, opts)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

export function lines(b: Buffer): string[] {
  const s = b.toString('latin1');
  return s.length === 0 ? [] : s.slice(0, -1).split('\n');
}
