// One input's lines as a sync Cursor (for the merge of -m), read in small chunks so that merging many
// inputs holds about one chunk per input; lines are latin1 strings, split at the -z/LF terminator.
import fs from 'node:fs';
import type { Cursor } from '../../../operators/shuffle/runs/cursor.ts';
import { RunFile } from '../../../plumbing/run-file.ts';
import { readChunksSync } from '../streaming/sync-io.ts';
import type { InputSpec } from '../io.ts';
import { ByteLines } from './byte-lines.ts';

const CHUNK = 64 * 1024;

/** The lines of an input. */
export function lineCursor(spec: InputSpec, terminator: number): Cursor<string> {
  return chunkLines(readChunksSync(spec.path, spec.name, CHUNK), terminator);
}

/** The lines of -m's temp file `file`, written through `compress` (--compress-program): read through `compress -d`. */
export function tempLineCursor(file: string, compress: string, terminator: number): Cursor<string> {
  return chunkLines(runChunks(file, compress), terminator);
}

function* runChunks(file: string, compress: string): Generator<Buffer> {
  const run = RunFile.open(file, compress);
  const buf = Buffer.allocUnsafe(CHUNK);
  let ended = false;
  try {
    for (let n; (n = fs.readSync(run.fd, buf, 0, buf.length, null)) > 0;) yield buf.subarray(0, n);
    ended = true;
  } finally {
    if (ended) run.close(); // waits for `compress -d`, throws if it failed
    else run.abort();
  }
}

function chunkLines(chunks: Generator<Buffer>, terminator: number): Cursor<string> {
  const lines = new ByteLines(terminator);
  let pending: string[] = [];
  let next = 0;
  let done = false;
  const take = (line: string): void => { pending.push(line); };
  const c: Cursor<string> = {
    current: '',
    advance() {
      while (next === pending.length) {
        if (done) return false;
        pending = [];
        next = 0;
        const r = chunks.next();
        if (r.done) {
          done = true;
          lines.end(take);
        } else {
          lines.write(r.value, take);
        }
      }
      c.current = pending[next++];
      return true;
    },
    close() {
      done = true;
      pending = [];
      next = 0;
      chunks.return(undefined);
    },
  };
  return c;
}
