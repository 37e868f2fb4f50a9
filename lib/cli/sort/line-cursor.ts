// One input's lines as a sync Cursor (for the merge of -m), read in small chunks so that merging many
// inputs holds about one chunk per input; lines are latin1 strings, split at the -z/LF terminator.
import type { Cursor } from '../../../operators/shuffle/index.ts';
import { readChunksSync } from '../streaming/sync-io.ts';
import type { InputSpec } from '../io.ts';
import { ByteLines } from './byte-lines.ts';

const CHUNK = 64 * 1024;

export function lineCursor(spec: InputSpec, terminator: number): Cursor<string> {
  const chunks = readChunksSync(spec.path, spec.name, CHUNK);
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
