// top: the K most frequent keys with their counts, count descending then key in byte order — like
// `sort | uniq -c | sort -k1,1nr -k2,2 | head -K`, in bounded memory: counts are summed map-side and in
// the shuffle, and one reduce group streams every key past a K-entry heap.
// Parameters: MRPIPE_TOP (K, default 10), MRPIPE_FIELD (1-based field; 0 = whole line, the default),
// MRPIPE_SEP (tab, space, comma or one character; default tab), MRPIPE_WORDS=1 to count words instead.
// Usage: mrpipe run top -D MRPIPE_TOP=20 -D MRPIPE_FIELD=1 -D MRPIPE_SEP=space access.log
import { fieldOf, intParam, param, separatorParam } from './support/params.ts';
import { TopK } from '../operators/shuffle/keyed/topk.ts';
import { words } from '../operators/shuffle/keyed/builtins.ts';
import type { Emit } from '../operators/types.ts';

export interface TopOptions {
  k?: number;
  field?: number;
  separator?: string | RegExp;
  /** Count whitespace-separated words rather than a field. */
  words?: boolean;
}

export function top(opts: TopOptions = {}) {
  const k = opts.k ?? 10;
  const field = opts.field ?? 0;
  const sep = opts.separator ?? '\t';
  return {
    name: 'top',
    encoding: 'latin1' as const,
    map(line: string, emit: Emit<number>): void {
      // The one word definition (runs of bytes other than ASCII whitespace), the wordcount recipe's.
      if (opts.words) return words(line, emit);
      const v = fieldOf(line, field, sep);
      if (v !== undefined) emit(v, 1);
    },
    combine: 'sum' as const,
    // Every key in one group: reduce sees all keys in order, summing each one's partial counts.
    group: (): string => '',
    reduce(_group: string, values: Iterable<number>, ctx: { key: string; emit: Emit }): undefined {
      const best = new TopK(k);
      let key: string | null = null;
      let count = 0;
      for (const n of values) {
        if (ctx.key !== key) {
          if (key !== null) best.add(key, count);
          key = ctx.key;
          count = 0;
        }
        count += n;
      }
      if (key !== null) best.add(key, count);
      for (const [w, c] of best.sorted()) ctx.emit(w, c);
      return undefined;
    },
  };
}

export default top({
  k: intParam('MRPIPE_TOP', 10, 1),
  field: intParam('MRPIPE_FIELD', 0),
  separator: separatorParam('MRPIPE_SEP'),
  words: param('MRPIPE_WORDS', '') === '1',
});
