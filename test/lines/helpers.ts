// Shared test helpers: real temp dirs, a reference line splitter (the obvious slow way), stream collectors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import fc from 'fast-check';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mrpipe-lines-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeTemp(dir: string, name: string, data: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, data);
  return file;
}

/** The lines of a file, computed the obvious way: split at LF, drop a CR before it, keep empty lines. */
export function referenceLines(data: Buffer, encoding: 'utf8' | 'latin1' = 'utf8'): string[] {
  let bytes = data;
  if (encoding === 'utf8' && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = bytes.subarray(3);
  }
  if (data.length === 0) return [];
  const lines: string[] = [];
  let s = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      const e = i > s && bytes[i - 1] === 13 ? i - 1 : i;
      lines.push(bytes.toString(encoding, s, e));
      s = i + 1;
    }
  }
  if (s < bytes.length) lines.push(bytes.toString(encoding, s));
  return lines;
}

/** Reads a stream of batches to the end and concatenates them. */
export async function collect<T>(stream: Readable): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of stream) for (const item of batch as T[]) all.push(item);
  return all;
}

export async function collectBuffers(stream: Readable): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const chunk of stream) all.push(chunk as Buffer);
  return all;
}

/** Random text files: CRLF and LF, empty lines, multi-byte UTF-8, long lines, maybe no final newline. */
export const textFile: fc.Arbitrary<Buffer> = fc
  .record({
    lines: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 40, maxLength: 300 }) },
      ).map((s) => s.replace(/[\r\n]/g, ' ')),
      { maxLength: 40 },
    ),
    crlf: fc.array(fc.boolean(), { maxLength: 40 }),
    finalNewline: fc.boolean(),
    bom: fc.boolean(),
  })
  .map(({ lines, crlf, finalNewline, bom }) => {
    let text = '';
    lines.forEach((line, i) => {
      text += line;
      if (i < lines.length - 1 || finalNewline) text += crlf[i] ? '\r\n' : '\n';
    });
    return Buffer.concat([bom && text.length > 0 ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]);
  });
