// mrpipe sort's modes besides sorting: -c/-C (check, streaming, stops at the first disorder), -m (merge
// sorted inputs, one small read buffer per input, no sort pass; over --batch-size inputs in passes) and --files0-from (the input list).
import fs from 'node:fs';
import path from 'node:path';
import type { LineOrder } from '../../../operators/shuffle/keys/gnukeys.ts';
import type { Cursor } from '../../../operators/shuffle/runs/cursor.ts';
import { DEFAULT_FAN_IN, mergeCursors } from '../../../operators/shuffle/runs/merge.ts';
import { makeTempDir, removeTempDir } from '../../../plumbing/tempdirs.ts';
import { mergeRuns } from '../../../operators/shuffle/runs/merge-plan.ts';
import { CliError, EXIT_FAILED, failure, usageError, describeFsError } from '../errors.ts';
import { describeReadError, withOutput, type InputSpec } from '../io.ts';
import { openInputStream } from '../../../plumbing/open-input.ts';
import { ByteLines } from './byte-lines.ts';
import { lineCursor, tempLineCursor } from './line-cursor.ts';
import { RunFile } from '../../../plumbing/run-file.ts';

/** A sorted stream stopped at its first disorder ends the run here (GNU's "sort: FILE:N: disorder"). */
class Disorder extends Error {}

export interface CheckOptions {
  unique: boolean;
  quiet: boolean;
  terminator: number;
}

/**
 * -c/-C: exit 0 when `spec` is sorted by `order` (strictly, with -u), else exit 1 naming the first line out
 * of order (nothing with -C). Reads no further than that line.
 */
export async function checkSorted(spec: InputSpec, order: LineOrder, o: CheckOptions): Promise<void> {
  const lines = new ByteLines(o.terminator);
  let prev: string | undefined;
  let n = 0;
  let bad: string | undefined;
  const next = (line: string): void => {
    n++;
    if (prev !== undefined) {
      const c = order.compare(prev, line);
      if (o.unique ? c >= 0 : c > 0) {
        bad = line;
        throw new Disorder();
      }
    }
    prev = line;
  };
  const stream = openInputStream(spec.path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream) lines.write(chunk as Buffer, next);
    lines.end(next);
  } catch (err) {
    if (!(err instanceof Disorder)) throw failure(`reading ${describeReadError(err, spec.name)}`);
  } finally {
    if (spec.path !== null) stream.destroy();
  }
  if (bad === undefined) return;
  if (o.quiet) throw new CliError('', EXIT_FAILED);
  // The line's own bytes, read as UTF-8 for the terminal (the latin1 string would print é as Ã©).
  const text = Buffer.from(bad, 'latin1').toString();
  throw new CliError(`${spec.path === null ? '-' : spec.name}:${n}: disorder: ${text}`, EXIT_FAILED);
}

export interface MergeOptions {
  unique: boolean;
  terminator: number;
  output: string | undefined;
  /** Inputs merged at once (--batch-size, default 16); more are merged in passes through temp files. */
  fanIn?: number;
  tmpDir: string | undefined;
  /** How each output line is written (--debug's annotation); default: the line and the terminator. */
  format?: (line: string) => string;
  /** --compress-program: the temp files of merge passes are written through it (read through `-d`). */
  compress?: string;
}

/** Merges `group` (in input order: ties keep it) into the new temp file `file`. */
function mergeToFile(group: InputSpec[], order: LineOrder, o: MergeOptions, file: string, cursor: (s: InputSpec) => Cursor<string>): InputSpec {
  const merged = mergeCursors(group.map(cursor), order.compare);
  let out: RunFile;
  try {
    out = RunFile.create(file, o.compress);
  } catch (err) {
    merged.close();
    throw err;
  }
  let done = false;
  try {
    const end = String.fromCharCode(o.terminator);
    let parts: string[] = [];
    let size = 0;
    const flush = (): void => {
      const bytes = Buffer.from(parts.join(''), 'latin1');
      for (let off = 0; off < bytes.length;) off += fs.writeSync(out.fd, bytes, off);
      parts = [];
      size = 0;
    };
    while (merged.advance()) {
      parts.push(merged.current, end);
      size += merged.current.length + 1;
      if (size >= 1 << 20) flush();
    }
    flush();
    done = true;
  } catch (err) {
    throw out.failure(err); // a write into a failed compress program: its failure
  } finally {
    merged.close();
    if (done) out.close();
    else out.abort();
  }
  return { name: file, path: file };
}

/** -m: merges inputs already sorted by `order` (ties: the earlier input first), keeping the first of equal keys with -u. */
export async function mergeSorted(specs: readonly InputSpec[], order: LineOrder, o: MergeOptions): Promise<void> {
  const gz = specs.find((s) => s.path?.endsWith('.gz'));
  if (gz) throw usageError(`-m ${gz.name}: merge does not decompress .gz inputs; gunzip them first (or sort without -m)`);
  let tmp: string | undefined;
  const dir = (): string => (tmp ??= makeTempDir(o.tmpDir, 'mrpipe-merge-'));
  let merged: Cursor<string> | undefined;
  const end = String.fromCharCode(o.terminator);
  const temps = new Set<string>();
  const cursor = (s: InputSpec): Cursor<string> => (o.compress !== undefined && s.path !== null && temps.has(s.path)
    ? tempLineCursor(s.path, o.compress, o.terminator) : lineCursor(s, o.terminator));
  try {
    let spilled = 0;
    // More inputs than --batch-size: the one merge planner (passes, fd-limit fallback) over temp files.
    merged = mergeRuns(specs, { fanIn: o.fanIn ?? DEFAULT_FAN_IN }, {
      merge: (group) => {
        const file = path.join(dir(), `merge-${spilled++}`);
        temps.add(file);
        return mergeToFile(group, order, o, file, cursor);
      },
      open: (runs) => mergeCursors(runs.map(cursor), order.compare),
    }).merged;
    await withOutput(o.output, 'latin1', async (out) => {
      let last: string | undefined;
      const m = merged as Cursor<string>;
      while (m.advance()) {
        const line = m.current;
        if (o.unique && last !== undefined && order.keyCompare(last, line) === 0) continue;
        last = line;
        if (!out.write(o.format ? o.format(line) : line + end)) await out.drain();
      }
    });
  } finally {
    merged?.close();
    if (tmp !== undefined) removeTempDir(tmp);
  }
}

/** --files0-from=F: the NUL-separated names in F ('-' = stdin), as GNU checks them. */
export async function files0From(source: string): Promise<string[]> {
  let text: string;
  try {
    text = source === '-' ? await readStdin() : fs.readFileSync(source, 'latin1');
  } catch (err) {
    throw usageError(`--files0-from ${describeFsError(err, source)}`);
  }
  const names = text.split('\0');
  if (names[names.length - 1] === '') names.pop();
  if (names.length === 0) throw usageError(`no input from '${source}'`);
  names.forEach((name, i) => {
    if (name === '') throw usageError(`${source}:${i + 1}: invalid zero-length file name`);
    if (name === '-' && source === '-') throw usageError(`when reading file names from stdin, no file name of '-' allowed`);
  });
  // The names are bytes: latin1 keeps each as the file system gave it.
  return names.map((n) => Buffer.from(n, 'latin1').toString());
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('latin1');
}
