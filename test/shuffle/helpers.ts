// Test helpers: real temp dirs, GNU sort as the oracle, a tiny line splitter (latin1 = bytes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-test-'));
}

/** Lines of a latin1 text (no trailing empty line for a final LF). */
export function splitLatin1(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Run `LC_ALL=C sort ARGS` over lines (bytes = latin1 chars) and return its output lines. */
export function gnuSort(lines: string[], args: string[] = []): string[] {
  const input = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
  const r = spawnSync('sort', args, { input, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`sort ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return splitLatin1(r.stdout.toString('latin1'));
}

/** Deterministic pseudo-random generator (tests must be reproducible). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Lines with the edge cases: empty, duplicates, CR, tabs, bytes ≥ 0x80, invalid UTF-8, long lines. */
export function edgeLines(count: number, seed = 1): string[] {
  const r = rng(seed);
  const alphabet = ['a', 'b', 'z', 'A', ' ', '\t', '\r', '0', '9', '-', '.', '\x80', '\xc3', '\xa9', '\xff', '\x00', '\x01', '~'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r();
    if (kind < 0.05) out.push('');
    else if (kind < 0.15 && out.length > 0) out.push(out[Math.floor(r() * out.length)]);
    else if (kind < 0.16) out.push('x'.repeat(2000 + Math.floor(r() * 3000)) + String(i));
    else {
      const n = Math.floor(r() * 12);
      let s = '';
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(r() * alphabet.length)];
      out.push(s);
    }
  }
  return out;
}

/** Files left in a directory (recursively). */
export function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String);
}
