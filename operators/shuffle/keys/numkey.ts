// Order-preserving byte encodings of GNU sort's -n, -h and -M keys (C locale): plain byte comparison of
// two encodings gives the sign of GNU's comparison of the keys (gnulib strnumcmp, find_unit_order,
// getmonth; the comparator versions are in ../gnucompare.ts). Every encoding is prefix-free, so keys can
// follow one another, and inverting its bytes reverses its order (-r on a key).
import { BLANK } from './fields.ts';

const MINUS = 45;
const DOT = 46;
const ZERO = 48;
/** GNU's C-locale thousands separator: byte 0x80 is skipped in the integer part (see ../gnucompare.ts). */
const THOUSANDS = 0x80;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Class bytes: every negative number < zero < every positive number. */
const NEGATIVE = 0x40;
const ZERO_CLASS = 0x80;
const POSITIVE = 0xc0;
/** Integer-part lengths from here on take 1 + n bytes (n = 1..4, big-endian). */
const LONG_LENGTH = 0xf8;

/** Most bytes encodeNumber writes for a key of n bytes. */
export const numberBound = (n: number): number => n + 8;

/**
 * -n: GNU's numeric value of b[p, e) as bytes. The value is a sign, an integer part (leading zeros and 0x80
 * bytes dropped, 0x80 after a digit dropped) and a fraction (the digits right after '.', trailing zeros
 * dropped); no digits is zero, whatever the sign. Encoded as a class byte, then for positives the integer
 * part's length (longer is bigger), its digits, the fraction's digits and a 0 end byte (so 1.5 < 1.55);
 * negatives the same with every byte after the class inverted. Returns the end offset in `out`.
 */
export function encodeNumber(b: Uint8Array, p: number, e: number, out: Uint8Array, o: number): number {
  while (p < e && BLANK[b[p]] === 1) p++;
  let negative = false;
  if (p < e && b[p] === MINUS) {
    negative = true;
    p++;
  }
  while (p < e && (b[p] === ZERO || b[p] === THOUSANDS)) p++;
  let q = p;
  let len = 0;
  while (q < e && isDigit(b[q])) {
    len++;
    q++;
    while (q < e && b[q] === THOUSANDS) q++;
  }
  let fs = q;
  let fe = q;
  if (q < e && b[q] === DOT) {
    fs = fe = q + 1;
    while (fe < e && isDigit(b[fe])) fe++;
    while (fe > fs && b[fe - 1] === ZERO) fe--;
  }
  const cls = o++;
  if (len === 0 && fe === fs) {
    out[cls] = ZERO_CLASS;
    return o;
  }
  const from = o;
  if (len < LONG_LENGTH) out[o++] = len;
  else {
    const n = len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4;
    out[o++] = LONG_LENGTH - 1 + n;
    for (let i = n - 1; i >= 0; i--) out[o++] = Math.floor(len / 2 ** (8 * i)) & 255;
  }
  while (p < q) {
    const c = b[p++];
    if (c !== THOUSANDS) out[o++] = c;
  }
  while (fs < fe) out[o++] = b[fs++];
  out[o++] = 0;
  if (negative) {
    out[cls] = NEGATIVE;
    for (let i = from; i < o; i++) out[i] ^= 255;
  } else {
    out[cls] = POSITIVE;
  }
  return o;
}

/** The end of an encodeNumber encoding starting at b[p] (its bytes XOR `flip`: 255 when inverted by -r). */
export function skipNumber(b: Uint8Array, p: number, flip: number): number {
  const cls = b[p++] ^ flip;
  if (cls === ZERO_CLASS) return p;
  const inner = cls === NEGATIVE ? flip ^ 255 : flip;
  const l0 = b[p++] ^ inner;
  if (l0 >= LONG_LENGTH) p += l0 - LONG_LENGTH + 1;
  const end = inner; // the end byte 0, as stored
  while (b[p] !== end) p++;
  return p + 1;
}

const UNITS = 'KMGTPEZY';

/** GNU find_unit_order on b[p, e) (blanks already skipped): the size suffix's rank, negative for '-'. */
function unitOrder(b: Uint8Array, p: number, e: number): number {
  const minus = p < e && b[p] === MINUS;
  if (minus) p++;
  let nonzero = 0;
  let c: number;
  // 0x80 ends the number here: GNU compares it with a signed char (see ../gnucompare.ts).
  while ((c = p < e ? b[p++] : 0) >= 48 && c <= 57) nonzero |= c - ZERO;
  if (c === DOT) while ((c = p < e ? b[p++] : 0) >= 48 && c <= 57) nonzero |= c - ZERO;
  if (!nonzero) return 0;
  const order = UNITS.indexOf(String.fromCharCode(c === 107 ? 75 : c)) + 1;
  return minus ? -order : order;
}

/** Most bytes encodeHuman writes for a key of n bytes. */
export const humanBound = (n: number): number => n + 9;

/** -h: the unit's rank (one byte), then the number as -n. */
export function encodeHuman(b: Uint8Array, p: number, e: number, out: Uint8Array, o: number): number {
  while (p < e && BLANK[b[p]] === 1) p++;
  out[o] = 0x80 + unitOrder(b, p, e);
  return encodeNumber(b, p, e, out, o + 1);
}

export function skipHuman(b: Uint8Array, p: number, flip: number): number {
  return skipNumber(b, p + 1, flip);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
  .map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2));
const up = (c: number): number => (c >= 97 && c <= 122 ? c - 32 : c);

/** -M: one byte, 0 for no month, 1..12 for a (case-insensitive) month abbreviation after blanks (GNU getmonth). */
export function encodeMonth(b: Uint8Array, p: number, e: number, out: Uint8Array, o: number): number {
  while (p < e && BLANK[b[p]] === 1) p++;
  out[o] = e - p < 3 ? 0 : MONTHS.indexOf((up(b[p]) << 16) | (up(b[p + 1]) << 8) | up(b[p + 2])) + 1;
  return o + 1;
}
