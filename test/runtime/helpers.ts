// Shared helpers for the runtime tests: real temp dirs, reading a job's output, a reference word count.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { partitionOf } from '../../lib/runtime/keys.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * The map-task options of a run on a given path: streaming: false (the in-memory path) plans no map tasks,
 * and runJob refuses mapTasks, splitSize and threshold with it, so they are given only to the other paths.
 */
export function mapPlan<T extends object>(streaming: 'auto' | boolean, plan: T): Partial<T> {
  return streaming === false ? {} : plan;
}

export function tempDir(prefix = 'mrpipe-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The part files of an output dir, in order, as text. */
export function readParts(out: string): string[] {
  return readdirSync(out).filter((n) => n.startsWith('part-')).sort().map((n) => readFileSync(join(out, n), 'utf8'));
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Lines of all parts, merged and sorted in byte order (output independent of the reducer count). */
export function allLines(out: string): string[] {
  return readParts(out).flatMap((p) => p.split('\n').filter((l) => l !== '')).sort(byteOrder);
}

/** Checks that each part is sorted and holds only keys of its partition; returns a message or ''. */
export function checkParts(out: string): string {
  const parts = readParts(out);
  for (let p = 0; p < parts.length; p++) {
    const keys = parts[p].split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]);
    for (let i = 1; i < keys.length; i++) if (byteOrder(keys[i - 1], keys[i]) > 0) return `part ${p} not sorted at ${i}`;
    for (const k of keys) if (partitionOf(k, parts.length) !== p) return `key ${k} in part ${p}`;
  }
  return '';
}

/** Reference word count: words are runs of non-space/tab chars per line, "word\tcount" lines in byte order. */
export function referenceWordCount(text: string): string[] {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    for (const w of line.replace(/\r$/, '').split(/[ \t]+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  }
  return [...m.keys()].sort(byteOrder).map((k) => `${k}\t${m.get(k)}`);
}
