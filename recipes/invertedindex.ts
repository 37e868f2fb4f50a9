// invertedindex: word → where it occurs, as a sorted JSON list of "file:line" postings (each line once).
// Words are lowercased runs of letters and digits (Unicode-aware), so "The," and "the" are one word.
// Files are never split into byte ranges (split: false), so every line number is exact. Under Hadoop a
// split that does not start at byte 0 has no line numbers: postings there read "file@byteoffset" — keep
// files whole with -D mapreduce.input.fileinputformat.split.minsize=<larger than any file>.
// Usage: mrpipe run invertedindex docs/*.txt
import type { MapContext } from '../lib/job/types.ts';
import type { Emit } from '../operators/types.ts';

const WORD = /[\p{L}\p{N}]+/gu;

type Posting = [file: string, line: number];

function comparePostings(a: Posting, b: Posting): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

export default {
  name: 'invertedindex',
  split: false,
  map(line: string, emit: Emit<Posting | string>, ctx: MapContext): void {
    const seen = new Set<string>();
    for (const m of line.toLowerCase().matchAll(WORD)) {
      const w = m[0];
      if (seen.has(w)) continue;
      seen.add(w);
      emit(w, ctx.line !== undefined ? [ctx.file, ctx.line] : `${ctx.file}@${ctx.offset ?? '?'}`);
    }
  },
  reduce(_word: string, values: Iterable<Posting | string>): string[] {
    const postings: Posting[] = [];
    const unnumbered: string[] = [];
    for (const v of values) {
      if (typeof v === 'string') unnumbered.push(v);
      else postings.push(v);
    }
    postings.sort(comparePostings);
    return [...postings.map(([f, l]) => `${f}:${l}`), ...unnumbered.sort()];
  },
};
