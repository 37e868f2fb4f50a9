// Where a GNU sort key lies in a line of bytes: coreutils' begfield/limfield over b[s, e), with -t's byte
// or runs of blanks as the field separator, the key's .C offsets and its b flags. The latin1-string
// versions behind the comparator path are in ../gnukeys.ts; the oracle tests hold both to GNU sort.
import type { KeyDef } from './gnukeys.ts';

/** The C locale's blanks for sort (space, tab, and newline, which a line holds under -z): 1, else 0. */
export const BLANK = new Uint8Array(256).map((_, c) => Number(c === 32 || c === 9 || c === 10));

/** Start of the key in the line b[s, e) (GNU begfield). `tab`: the separator byte, or -1 for blank runs. */
export function begField(b: Uint8Array, s: number, e: number, key: KeyDef, tab: number): number {
  let p = s;
  let sword = key.startField;
  if (tab >= 0) {
    while (p < e && sword-- > 0) {
      while (p < e && b[p] !== tab) p++;
      if (p < e) p++;
    }
  } else {
    while (p < e && sword-- > 0) {
      while (p < e && BLANK[b[p]] === 1) p++;
      while (p < e && BLANK[b[p]] === 0) p++;
    }
  }
  if (key.skipStartBlanks) while (p < e && BLANK[b[p]] === 1) p++;
  const q = p + key.startChar;
  return q < e ? q : e;
}

/** End of the key in the line b[s, e) (GNU limfield). */
export function limField(b: Uint8Array, s: number, e: number, key: KeyDef, tab: number): number {
  if (key.endField === Infinity) return e;
  let p = s;
  let eword = key.endField;
  const echar = key.endChar;
  if (echar === 0) eword++;
  if (tab >= 0) {
    while (p < e && eword-- > 0) {
      while (p < e && b[p] !== tab) p++;
      if (p < e && (eword > 0 || echar !== 0)) p++;
    }
  } else {
    while (p < e && eword-- > 0) {
      while (p < e && BLANK[b[p]] === 1) p++;
      while (p < e && BLANK[b[p]] === 0) p++;
    }
  }
  if (echar !== 0) {
    if (key.skipEndBlanks) while (p < e && BLANK[b[p]] === 1) p++;
    p += echar;
    if (p > e) p = e;
  }
  return p;
}
