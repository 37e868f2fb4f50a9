// GNU sort -g as an order-preserving byte key: byte order of two keys' encodings is the sign of
// compareGeneral (../gnucompare.ts, the tests' oracle): conversion errors < nan < -nan < numbers, numbers
// as the x86-64 long double strtold makes of them (-0 = 0). The number is read by the comparator's own
// strtold (generalNumberText) and rounded exactly as strtold rounds it (../longdouble.ts); integers and
// decimals that a double holds exactly take a fast path. Prefix-free; inverted bytes reverse the order.
import { generalNumberText } from '../gnucompare.ts';
import { bitLength, parseLongDouble } from '../longdouble.ts';

/** Class bytes, in GNU's order. */
const ERROR = 1;
const NAN = 2;
const NEG_NAN = 3;
const NEGATIVE = 4;
const ZERO = 5;
const POSITIVE = 6;
/** A number's bytes after its class: the biased exponent of its leading bit (2), its 64-bit significand (8). */
const NUMBER_BYTES = 10;
/** Exponents of the leading bit run from -16445 (the smallest subnormal) to 16383: biased to 1..32829. */
const EXP_BIAS = 16446;
const INF_EXP = 0xffff;

export const generalBound = (): number => 1 + NUMBER_BYTES;

/** strtold skips isspace: space, \t, \n, \v, \f, \r. */
const SPACE = new Uint8Array(256).map((_, c) => Number(c === 32 || (c >= 9 && c <= 13)));
/** Bytes strtold may read in a number (signs, digits, letters for hex, exponents, inf and nan(…), '.', '(', ')', '_'). */
const NUMBER_BYTE = new Uint8Array(256).map((_, c) => Number((c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
  c === 46 || c === 45 || c === 43 || c === 40 || c === 41 || c === 95));
/** A number can only start with a sign, a digit, '.', i (inf) or n (nan): other keys are conversion errors. */
const NUMBER_START = new Uint8Array(256).map((_, c) => Number((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 ||
  (c | 0x20) === 105 || (c | 0x20) === 110));

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const POW5 = Array.from({ length: 23 }, (_, k) => 5 ** k);

/**
 * The value of decimal text t when a double holds it exactly and it is computed exactly here (≤ 15
 * significant digits, m·10^k with 0 ≤ k ≤ 22 and below 2^53, or m/10^d with 5^d dividing m); else undefined.
 */
function exactDouble(t: string): number | undefined {
  const n = t.length;
  let i = 0;
  let c = t.charCodeAt(0);
  const neg = c === 45;
  if (neg || c === 43) c = t.charCodeAt(++i);
  let m = 0;
  let digits = 0;
  let scale = 0;
  for (; i < n && c >= 48 && c <= 57; c = t.charCodeAt(++i)) {
    if (m === 0 && c === 48) continue;
    if (++digits > 15) return undefined;
    m = m * 10 + c - 48;
  }
  if (c === 46) {
    for (c = t.charCodeAt(++i); i < n && c >= 48 && c <= 57; c = t.charCodeAt(++i)) {
      scale--;
      if (m === 0 && c === 48) continue;
      if (++digits > 15) return undefined;
      m = m * 10 + c - 48;
    }
  }
  if (i < n) {
    // [eE][+-]?digits: the regex of generalNumberText let only that through.
    c = t.charCodeAt(++i);
    const eneg = c === 45;
    if (eneg || c === 43) i++;
    if (n - i > 4) return undefined;
    const x = Number(t.slice(i));
    scale += eneg ? -x : x;
  }
  if (m === 0) return 0;
  let v: number;
  if (scale >= 0) {
    if (scale > 22) return undefined;
    v = m * POW10[scale];
    if (v > 2 ** 53) return undefined;
  } else {
    if (scale < -22 || m % POW5[-scale] !== 0) return undefined;
    v = m / POW10[-scale];
  }
  return neg ? -v : v;
}

/** Writes the class and the 10 bytes of a number: exponent and significand, inverted for negatives. */
function writeNumber(neg: boolean, exp: number, hi: number, lo: number, out: Uint8Array, o: number): number {
  const x = neg ? 255 : 0;
  out[o++] = neg ? NEGATIVE : POSITIVE;
  out[o++] = (exp >>> 8) ^ x;
  out[o++] = (exp & 255) ^ x;
  out[o++] = (hi >>> 24) ^ x;
  out[o++] = ((hi >>> 16) & 255) ^ x;
  out[o++] = ((hi >>> 8) & 255) ^ x;
  out[o++] = (hi & 255) ^ x;
  out[o++] = (lo >>> 24) ^ x;
  out[o++] = ((lo >>> 16) & 255) ^ x;
  out[o++] = ((lo >>> 8) & 255) ^ x;
  out[o++] = (lo & 255) ^ x;
  return o;
}

/** -g: the key b[s, e) as the class byte, then for numbers their exponent and significand. */
export function encodeGeneral(b: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  let p = s;
  while (p < e && SPACE[b[p]] === 1) p++;
  if (p === e || NUMBER_START[b[p]] === 0) {
    out[o] = ERROR;
    return o + 1;
  }
  let q = p;
  let text = '';
  while (q < e && NUMBER_BYTE[b[q]] === 1) text += String.fromCharCode(b[q++]);
  const t = generalNumberText(text, 0, text.length);
  if (t === undefined || t === 'nan' || t === '-nan') {
    out[o] = t === undefined ? ERROR : t === 'nan' ? NAN : NEG_NAN;
    return o + 1;
  }
  const v = /[xXnN]/.test(t) ? undefined : exactDouble(t); // not hex, not inf
  if (v !== undefined) {
    if (v === 0) {
      out[o] = ZERO;
      return o + 1;
    }
    // A normal double: the leading bit, then the 52 fraction bits, then 11 zero bits.
    f64[0] = v;
    const hiWord = u32[1];
    const loWord = u32[0];
    const exp = ((hiWord >>> 20) & 0x7ff) - 1023;
    const hi = (0x80000000 | ((hiWord & 0xfffff) << 11) | (loWord >>> 21)) >>> 0;
    return writeNumber(v < 0, exp + EXP_BIAS, hi, (loWord << 11) >>> 0, out, o);
  }
  const ld = parseLongDouble(t);
  if (ld.inf) return writeNumber(ld.neg, INF_EXP, 0, 0, out, o);
  if (ld.m === 0n) {
    out[o] = ZERO;
    return o + 1;
  }
  const bits = bitLength(ld.m);
  const m = ld.m << BigInt(64 - bits);
  return writeNumber(ld.neg, ld.e + bits - 1 + EXP_BIAS, Number(m >> 32n), Number(m & 0xffffffffn), out, o);
}

export function skipGeneral(b: Uint8Array, p: number, flip: number): number {
  const cls = b[p] ^ flip;
  return cls === NEGATIVE || cls === POSITIVE ? p + 1 + NUMBER_BYTES : p + 1;
}
