// GNU sort's comparison modes in the C locale, ported from coreutils 9.1 / gnulib so the order is the same
// byte for byte: -n (strnumcmp, with byte 0x80 as the thousands separator), -g (strtold), -h (unit
// suffixes), -M (month names), -V (filevercmp) and -R (a seeded hash of the key). Each compares the byte
// ranges a[as, ae) and b[bs, be) of latin1 strings; past the end reads as NUL, as GNU's keys are
// NUL-terminated in place, so a NUL inside a key ends it for -n/-g/-h/-M just as it does in GNU sort.
import { adjacentDoubles, compareLongDouble, parseLongDouble } from './longdouble.ts';

/** The blanks GNU sort skips and splits fields at in the C locale (newline counts: it can occur under -z). */
export const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;

/**
 * In the C locale GNU sort has no thousands separator and uses CHAR_MAX + 1 (128) as a "no character"
 * value; strnumcmp compares it with unsigned bytes, so byte 0x80 is skipped inside numbers as if it were
 * one. Matched on purpose (docs/CLI.md).
 */
const THOUSANDS = 0x80;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;

let S = '';
let E = 0;
const at = (i: number): number => (i < E ? S.charCodeAt(i) : 0);

/** gnulib strnumcmp's fraccompare, on a[ai..) and b[bi..) (each at its decimal point or not). */
function fracCompare(a: string, ai: number, ae: number, b: string, bi: number, be: number): number {
  const ca = (i: number): number => (i < ae ? a.charCodeAt(i) : 0);
  const cb = (i: number): number => (i < be ? b.charCodeAt(i) : 0);
  if (ca(ai) === DOT && cb(bi) === DOT) {
    for (;;) {
      const x = ca(++ai);
      const y = cb(++bi);
      if (x !== y) {
        if (isDigit(x) && isDigit(y)) return x - y;
        if (isDigit(x)) { while (ca(ai) === ZERO) ai++; return isDigit(ca(ai)) ? 1 : 0; }
        if (isDigit(y)) { while (cb(bi) === ZERO) bi++; return isDigit(cb(bi)) ? -1 : 0; }
        return 0;
      }
      if (!isDigit(x)) return 0;
    }
  }
  if (ca(ai++) === DOT) {
    while (ca(ai) === ZERO) ai++;
    return isDigit(ca(ai)) ? 1 : 0;
  }
  if (cb(bi++) === DOT) {
    while (cb(bi) === ZERO) bi++;
    return isDigit(cb(bi)) ? -1 : 0;
  }
  return 0;
}

/** gnulib strnumcmp (decimal point '.', thousands separator 0x80), after GNU's leading-blank skip. */
export function compareNumeric(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  while (as < ae && isBlank(a.charCodeAt(as))) as++;
  while (bs < be && isBlank(b.charCodeAt(bs))) bs++;
  return strnumcmp(a, as, ae, b, bs, be);
}

function strnumcmp(a: string, ai: number, ae: number, b: string, bi: number, be: number): number {
  const ca = (i: number): number => (i < ae ? a.charCodeAt(i) : 0);
  const cb = (i: number): number => (i < be ? b.charCodeAt(i) : 0);
  let ta = ca(ai);
  let tb = cb(bi);
  if (ta === MINUS) {
    do ta = ca(++ai); while (ta === ZERO || ta === THOUSANDS);
    if (tb !== MINUS) {
      if (ta === DOT) do ta = ca(++ai); while (ta === ZERO);
      if (isDigit(ta)) return -1;
      while (tb === ZERO || tb === THOUSANDS) tb = cb(++bi);
      if (tb === DOT) do tb = cb(++bi); while (tb === ZERO);
      return isDigit(tb) ? -1 : 0;
    }
    do tb = cb(++bi); while (tb === ZERO || tb === THOUSANDS);
    while (ta === tb && isDigit(ta)) {
      do ta = ca(++ai); while (ta === THOUSANDS);
      do tb = cb(++bi); while (tb === THOUSANDS);
    }
    if ((ta === DOT && !isDigit(tb)) || (tb === DOT && !isDigit(ta))) return fracCompare(b, bi, be, a, ai, ae);
    const tmp = tb - ta;
    let la = 0;
    for (; isDigit(ta); la++) do ta = ca(++ai); while (ta === THOUSANDS);
    let lb = 0;
    for (; isDigit(tb); lb++) do tb = cb(++bi); while (tb === THOUSANDS);
    if (la !== lb) return la < lb ? 1 : -1;
    return la === 0 ? 0 : tmp;
  }
  if (tb === MINUS) {
    do tb = cb(++bi); while (tb === ZERO || tb === THOUSANDS);
    if (tb === DOT) do tb = cb(++bi); while (tb === ZERO);
    if (isDigit(tb)) return 1;
    while (ta === ZERO || ta === THOUSANDS) ta = ca(++ai);
    if (ta === DOT) do ta = ca(++ai); while (ta === ZERO);
    return isDigit(ta) ? 1 : 0;
  }
  while (ta === ZERO || ta === THOUSANDS) ta = ca(++ai);
  while (tb === ZERO || tb === THOUSANDS) tb = cb(++bi);
  while (ta === tb && isDigit(ta)) {
    do ta = ca(++ai); while (ta === THOUSANDS);
    do tb = cb(++bi); while (tb === THOUSANDS);
  }
  if ((ta === DOT && !isDigit(tb)) || (tb === DOT && !isDigit(ta))) return fracCompare(a, ai, ae, b, bi, be);
  const tmp = ta - tb;
  let la = 0;
  for (; isDigit(ta); la++) do ta = ca(++ai); while (ta === THOUSANDS);
  let lb = 0;
  for (; isDigit(tb); lb++) do tb = cb(++bi); while (tb === THOUSANDS);
  if (la !== lb) return la < lb ? -1 : 1;
  return la === 0 ? 0 : tmp;
}

/** GNU find_unit_order: the size suffix of a -h number (k/K, M, G, T, P, E, Z, Y in coreutils 9.1), signed. */
function unitOrder(s: string, p: number, end: number): number {
  S = s;
  E = end;
  const minus = at(p) === MINUS;
  if (minus) p++;
  let nonzero = 0;
  let ch: number;
  // GNU's loop here also continues at the thousands separator, but compares it with a signed char: 0x80
  // never matches, so it ends the number (and "1\x80K" has no unit).
  while (isDigit(ch = at(p++))) nonzero |= ch - ZERO;
  if (ch === DOT) while (isDigit(ch = at(p++))) nonzero |= ch - ZERO;
  if (!nonzero) return 0;
  const order = UNITS.indexOf(String.fromCharCode(ch === 107 ? 75 : ch)) + 1;
  return minus ? -order : order;
}
const UNITS = 'KMGTPEZY';

/** GNU -h: blanks skipped, then by unit suffix, then as -n. */
export function compareHuman(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  while (as < ae && isBlank(a.charCodeAt(as))) as++;
  while (bs < be && isBlank(b.charCodeAt(bs))) bs++;
  return (unitOrder(a, as, ae) - unitOrder(b, bs, be)) || strnumcmp(a, as, ae, b, bs, be);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** GNU getmonth: 1..12 for a (case-insensitive) English month abbreviation after blanks, else 0. */
export function monthOf(s: string, p: number, end: number): number {
  while (p < end && isBlank(s.charCodeAt(p))) p++;
  if (end - p < 3) return 0;
  const m = MONTHS.indexOf(s.slice(p, p + 3).toUpperCase());
  // toUpperCase maps some latin1 letters (ÿ, µ) outside A-Z: only ASCII letters can match a month anyway.
  return m + 1;
}

export function compareMonth(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  return monthOf(a, as, ae) - monthOf(b, bs, be);
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** strtold's parse: the value (NaN keeps its sign in `negNaN`) or undefined when nothing converts. */
let negNaN = false;
/** The text strtold converted (`-1.5e3`, `0x1p4`, `-inf`), for the exact long double comparison. */
let numText = '';
/** True when the double is not the correctly rounded value of numText (hex): ties go to the exact compare. */
let approx = false;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const SPECIAL = /^([+-]?)(?:(inf(?:inity)?)|(nan)(?:\([0-9A-Za-z_]*\))?)/i;

/**
 * Where the bytes strtold could read stop: signs, digits, letters (hex, exponents, inf, nan), '.', '(',
 * ')' and '_' (nan(chars)). A NUL ends the key, as in GNU sort; the rest of a long line is never copied.
 */
function numberEnd(s: string, p: number, end: number): number {
  for (; p < end; p++) {
    const c = s.charCodeAt(p);
    if (!(isDigit(c) || isAlpha(c) || c === DOT || c === MINUS || c === 43 || c === 40 || c === 41 || c === 95)) break;
  }
  return p;
}

function strtold(s: string, p: number, end: number): number | undefined {
  while (p < end && isSpace(s.charCodeAt(p))) p++;
  const e = numberEnd(s, p, end);
  const t = s.slice(p, e);
  negNaN = false;
  approx = false;
  const hex = HEX.exec(t);
  if (hex) {
    const [int, frac = ''] = hex[2].split('.');
    let v = (int ? parseInt(int, 16) : 0) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0);
    if (hex[3] !== undefined) v *= 2 ** Number(hex[3]);
    numText = hex[0];
    approx = true;
    return hex[1] === '-' ? -v : v;
  }
  const dec = DECIMAL.exec(t);
  if (dec) {
    numText = dec[0];
    return Number(dec[0]);
  }
  const sp = SPECIAL.exec(t);
  if (sp) {
    if (sp[2] !== undefined) {
      numText = `${sp[1]}inf`;
      return sp[1] === '-' ? -Infinity : Infinity;
    }
    negNaN = sp[1] === '-';
    return NaN;
  }
  return undefined;
}

/**
 * strtold's reading of s[p, end) for -g: undefined when nothing converts, 'nan' or '-nan' for a NaN, else
 * the text of the number it parsed (`-1.5e3`, `0x1p4`, `-inf`), for parseLongDouble.
 */
export function generalNumberText(s: string, p: number, end: number): string | undefined {
  const v = strtold(s, p, end);
  if (v === undefined) return undefined;
  if (v !== v) return negNaN ? '-nan' : 'nan';
  return numText;
}

/** The end of the number strtold reads in s[p, end) (after its leading white space), or p when there is none. */
export function strtoldEnd(s: string, p: number, end: number): number {
  let q = p;
  while (q < end && isSpace(s.charCodeAt(q))) q++;
  const t = s.slice(q, numberEnd(s, q, end));
  const m = HEX.exec(t) ?? DECIMAL.exec(t) ?? SPECIAL.exec(t);
  return m ? q + m[0].length : p;
}

/**
 * GNU -g: conversion errors first, then NaNs (nan before -nan, as GNU's bit-pattern order on x86 puts
 * them), then numbers (-0 == 0) as long doubles: doubles decide unless they are equal or neighbours, or
 * the input was hex; then both texts are rounded exactly as strtold rounds them (./longdouble.ts).
 */
export function compareGeneral(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const x = strtold(a, as, ae);
  const xNeg = negNaN;
  const xText = numText;
  const xApprox = approx;
  const y = strtold(b, bs, be);
  const yNeg = negNaN;
  if (x === undefined) return y === undefined ? 0 : -1;
  if (y === undefined) return 1;
  if (x === x && y === y) {
    if (!xApprox && !approx && !adjacentDoubles(x, y)) return x < y ? -1 : 1;
    if (xText === numText) return 0;
    return compareLongDouble(parseLongDouble(xText), parseLongDouble(numText));
  }
  if (x === x) return 1; // y is NaN
  if (y === y) return -1; // x is NaN
  return Number(xNeg) - Number(yNeg);
}

/** filevercmp's order of one byte: digits 0, letters themselves, '~' first, others after letters; end -1. */
function verOrder(s: string, pos: number, len: number): number {
  if (pos === len) return -1;
  const c = s.charCodeAt(pos);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -2;
  return c + 256;
}

/** gnulib's verrevcmp (Debian version comparison) on s1[o1, o1+l1) and s2[o2, o2+l2). */
function verrevcmp(s1: string, o1: number, l1: number, s2: string, o2: number, l2: number): number {
  let p1 = 0;
  let p2 = 0;
  const c1 = (i: number): number => s1.charCodeAt(o1 + i);
  const c2 = (i: number): number => s2.charCodeAt(o2 + i);
  while (p1 < l1 || p2 < l2) {
    let firstDiff = 0;
    while ((p1 < l1 && !isDigit(c1(p1))) || (p2 < l2 && !isDigit(c2(p2)))) {
      const x = verOrder(s1, o1 + p1, o1 + l1);
      const y = verOrder(s2, o2 + p2, o2 + l2);
      if (x !== y) return x - y;
      p1++;
      p2++;
    }
    while (p1 < l1 && c1(p1) === ZERO) p1++;
    while (p2 < l2 && c2(p2) === ZERO) p2++;
    while (p1 < l1 && p2 < l2 && isDigit(c1(p1)) && isDigit(c2(p2))) {
      if (!firstDiff) firstDiff = c1(p1) - c2(p2);
      p1++;
      p2++;
    }
    if (p1 < l1 && isDigit(c1(p1))) return 1;
    if (p2 < l2 && isDigit(c2(p2))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** The length of s[o, o+n) without its file suffix, the longest match of (\.[A-Za-z~][A-Za-z0-9~]*)*$. */
function filePrefixLen(s: string, o: number, n: number): number {
  const suffixChar = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 126;
  for (let i = 0; ;) {
    const prefix = i;
    while (i + 1 < n && s.charCodeAt(o + i) === DOT && (isAlpha(s.charCodeAt(o + i + 1)) || s.charCodeAt(o + i + 1) === 126)) {
      for (i += 2; i < n && suffixChar(s.charCodeAt(o + i)); i++);
    }
    if (i === n) return prefix;
    i++;
  }
}

/** GNU -V: gnulib filenvercmp on the key bytes (NULs included). */
export function compareVersion(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  if (la === 0) return lb === 0 ? 0 : -1;
  if (lb === 0) return 1;
  if (a.charCodeAt(as) === DOT) {
    if (b.charCodeAt(bs) !== DOT) return -1;
    const adot = la === 1;
    const bdot = lb === 1;
    if (adot) return bdot ? 0 : -1;
    if (bdot) return 1;
    const adotdot = a.charCodeAt(as + 1) === DOT && la === 2;
    const bdotdot = b.charCodeAt(bs + 1) === DOT && lb === 2;
    if (adotdot) return bdotdot ? 0 : -1;
    if (bdotdot) return 1;
  } else if (b.charCodeAt(bs) === DOT) return 1;
  const pa = filePrefixLen(a, as, la);
  const pb = filePrefixLen(b, bs, lb);
  const onePass = pa === la && pb === lb;
  const r = verrevcmp(a, as, pa, b, bs, pb);
  return r || onePass ? r : verrevcmp(a, as, la, b, bs, lb);
}

/**
 * -R's hash of a key's bytes b[p, e): a seeded 64-bit hash (two 32-bit murmur-style lanes), the high lane
 * in `hi`, the low one in `lo`. One function for the comparator below and the byte keys (keys/normkey.ts).
 */
export function keyHasher(seed: Uint8Array): { hash(b: Uint8Array, p: number, e: number): void; hi: number; lo: number } {
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  const s1 = view.getUint32(0, true);
  const s2 = view.getUint32(4, true);
  const s3 = view.getUint32(8, true);
  const s4 = view.getUint32(12, true);
  return {
    hi: 0,
    lo: 0,
    hash(b, p, e) {
      let x = s1;
      let y = s2;
      for (; p < e; p++) {
        const c = b[p];
        x = Math.imul(x ^ c, 0x9e3779b1) ^ s3;
        x = (x << 13) | (x >>> 19);
        y = Math.imul(y ^ c, 0x85ebca77) ^ s4;
        y = (y << 17) | (y >>> 15);
      }
      x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
      x = Math.imul(x ^ (x >>> 15), 0x846ca68b) ^ (x >>> 16);
      y = Math.imul(y ^ (y >>> 16), 0x7feb352d);
      y = Math.imul(y ^ (y >>> 15), 0x846ca68b) ^ (y >>> 16);
      this.hi = x >>> 0;
      this.lo = y >>> 0;
    },
  };
}

/**
 * -R: a comparison by keyHasher's hash of the key, ties broken by the key bytes as GNU does, so equal keys
 * sort together and the order is fixed for a given seed.
 */
export function randomComparator(seed: Uint8Array): (a: string, as: number, ae: number, b: string, bs: number, be: number) => number {
  const h = keyHasher(seed);
  const hash = (s: string, p: number, e: number): [number, number] => {
    h.hash(Buffer.from(s.slice(p, e), 'latin1'), 0, e - p);
    return [h.hi, h.lo];
  };
  return (a, as, ae, b, bs, be) => {
    const [xa, ya] = hash(a, as, ae);
    const [xb, yb] = hash(b, bs, be);
    if (xa !== xb) return xa < xb ? -1 : 1;
    if (ya !== yb) return ya < yb ? -1 : 1;
    const n = Math.min(ae - as, be - bs);
    for (let i = 0; i < n; i++) {
      const d = a.charCodeAt(as + i) - b.charCodeAt(bs + i);
      if (d) return d;
    }
    return (ae - as) - (be - bs);
  };
}
