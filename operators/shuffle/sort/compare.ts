// Byte-order string comparison. Keys order by the bytes of their UTF-8 encoding (= LC_ALL=C sort).
// For latin1-decoded byte strings JS `<` already is byte order. For real UTF-16 strings `<` compares code
// units, which disagrees with UTF-8 byte order only where a surrogate (U+D800–DFFF, i.e. a code point
// ≥ U+10000) meets a unit in U+E000–FFFF; we find the first differing unit and fix up just that case.

export type Comparator<T> = (a: T, b: T) => number;

/** Map a UTF-16 unit ≥ U+D800 so unit order equals code point (= UTF-8 byte) order. */
export function fixUnit(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** UTF-8 byte order of two JS strings (correct for any strings, fastest on one-byte strings). */
export function compareUtf8(a: string, b: string): number {
  return a === b ? 0 : compareUtf8From(a, b, 0);
}

/** compareUtf8 of two strings known to be equal before `depth` (the prefix sort's insertion sort). */
export function compareUtf8From(a: string, b: string, depth: number): number {
  const n = a.length < b.length ? a.length : b.length;
  let i = depth;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i >= n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    x = fixUnit(x);
    y = fixUnit(y);
  }
  return x - y;
}

/** Byte order of latin1-decoded strings: plain code unit order, done natively. */
export function compareLatin1(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** UTF-8 byte order of a[as, ae) and b[bs, be). */
export function compareRange(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(as + i);
    let y = b.charCodeAt(bs + i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = fixUnit(x);
        y = fixUnit(y);
      }
      return x - y;
    }
  }
  return la - lb;
}
