// distinct: each distinct value once, in byte order — like `cut -f N | sort -u` (or `sort -u` for whole
// lines), exact, in bounded memory (duplicates are dropped map-side, then by the sorted shuffle).
// Parameters: MRPIPE_FIELD (1-based field; 0 = the whole line, the default), MRPIPE_SEP (tab, space, comma
// or one character; default tab). Lines without that field are skipped and counted (distinct/short lines).
// Usage: mrpipe run distinct -D MRPIPE_FIELD=2 data.tsv
import { fieldOf, intParam, separatorParam } from './support/params.ts';
import type { Emit } from '../operators/types.ts';

export interface DistinctOptions {
  field?: number;
  separator?: string | RegExp;
}

/** A distinct job over field `field` (0 = whole line). */
export function distinct(opts: DistinctOptions = {}) {
  const field = opts.field ?? 0;
  const sep = opts.separator ?? '\t';
  return {
    name: 'distinct',
    // Bytes in, bytes out: latin1 keeps any byte and orders like LC_ALL=C sort.
    encoding: 'latin1' as const,
    map(line: string, emit: Emit<number>, ctx: { counter(g: string, n: string, k?: number): void }): void {
      const v = fieldOf(line, field, sep);
      if (v === undefined) ctx.counter('distinct', 'short lines');
      else emit(v, 1);
    },
    combine: 'first' as const,
    reduce(key: string, _values: Iterable<number>, ctx: { emit: Emit }): undefined {
      ctx.emit(key, undefined);
      return undefined;
    },
  };
}

export default distinct({ field: intParam('MRPIPE_FIELD', 0), separator: separatorParam('MRPIPE_SEP') });
