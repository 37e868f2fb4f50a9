// Turn sort options into one Order: the comparison used to sort and merge, what `unique` treats as
// duplicates, and — when the order is plain byte order of a string key — that key, so buffers can take the
// prefix-sort fast path instead of a comparator sort.
import type { StringEncoding } from '../runs/codec.ts';
import { compareLatin1, compareUtf8, type Comparator } from './compare.ts';
import { gnuLineOrder, type KeyDef } from '../keys/gnukeys.ts';

/** The order of a sort: by bytes (default), a key, a comparator, or GNU sort's -k/-t/-n/-r/-u/-s. */
export interface SortOptions<T> {
  /** Sort by this string (byte order); ties keep input order. For pairs the default key is pair[0]. */
  key?: (record: T) => string;
  /** A custom comparator (ties keep input order). Overrides key/keys/numeric. */
  compare?: Comparator<T>;
  /** -r: descending. */
  reverse?: boolean;
  /** -n: GNU numeric order of the line (or of the `key` string). */
  numeric?: boolean;
  /** -u: output only the first of each run of equal records (equal keys, when keys are given). */
  unique?: boolean;
  /** -s: no last-resort whole-line comparison when keys tie (input order is kept). */
  stable?: boolean;
  /** -k: GNU key definitions ('2,2n', '1.3,1.5') or parsed KeyDefs. */
  keys?: (KeyDef | string)[];
  /** -t: one-character field separator (default: runs of blanks, as in GNU sort). */
  separator?: string;
  /** How strings are held: 'latin1' = byte strings (fast native comparison), 'utf8' = any JS strings. Default 'utf8'. */
  encoding?: StringEncoding;
}

export interface Order<T> {
  compare: Comparator<T>;
  /** Present when unique: true if b duplicates a. */
  same?: (a: T, b: T) => boolean;
  /** Present when the order is the byte order of this string key (then sortByKey applies). */
  byteKey?: (r: T) => string;
  /** With byteKey: descending. */
  descending: boolean;
}

const self = <T>(r: T): string => r as unknown as string;
const first = <T>(r: T): string => (r as unknown as [string, unknown])[0];

/** Build the order for records shaped like `sample` (a string, a [key, value] pair, or anything with key/compare). */
export function makeOrder<T>(o: SortOptions<T>, sample: T): Order<T> {
  const reverse = !!o.reverse;
  if (o.compare) {
    const c = o.compare;
    const compare: Comparator<T> = reverse ? (a, b) => c(b, a) : c;
    return { compare, same: o.unique ? (a, b) => c(a, b) === 0 : undefined, descending: false };
  }
  if (o.keys?.length || o.numeric || o.separator !== undefined) {
    const line = o.key ?? (typeof sample === 'string' ? self : undefined);
    if (!line) throw new Error('mrpipe: keys/numeric/separator sort lines; give `key` to turn records into lines');
    const lo = gnuLineOrder(o);
    const compare: Comparator<T> = line === self
      ? (lo.compare as unknown as Comparator<T>)
      : (a, b) => lo.compare(line(a), line(b));
    const same = o.unique ? (a: T, b: T) => lo.keyCompare(line(a), line(b)) === 0 : undefined;
    return { compare, same, descending: false };
  }
  let keyOf = o.key;
  if (!keyOf) {
    if (typeof sample === 'string') keyOf = self;
    else if (Array.isArray(sample) && typeof sample[0] === 'string') keyOf = first;
    else throw new Error('mrpipe: records are neither strings nor [key, value] pairs: give `key` or `compare`');
  }
  const base = o.encoding === 'latin1' ? compareLatin1 : compareUtf8;
  const k = keyOf;
  let compare: Comparator<T>;
  if (k === self) compare = (reverse ? (a: string, b: string) => base(b, a) : base) as unknown as Comparator<T>;
  else compare = reverse ? (a, b) => base(k(b), k(a)) : (a, b) => base(k(a), k(b));
  const same = o.unique ? (a: T, b: T) => k(a) === k(b) : undefined;
  return { compare, same, byteKey: k, descending: reverse };
}
