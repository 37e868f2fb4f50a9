// GNU sort -g as an order-preserving byte key: byte order of two keys' encodings is the sign of
// compareGeneral (../gnucompare.ts, the tests' oracle): conversion errors < nan < -nan < numbers, numbers
// as the x86-64 long double strtold makes of them (-0 = 0). The number is read by the comparator's own
// strtold (generalNumberText) and rounded exactly as strtold rounds it: with BigInt (../longdouble.ts), or
// in double-double arithmetic for decimals of up to 15 digits and exponents to ±44. Prefix-free; inverted bytes reverse the order.
import { generalNumberText } from './gnucompare.ts';
import { bitLength, parseLongDouble } from './longdouble.ts';

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

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Dekker's exact product: a·b - p for p = fl(a·b), exact while nothing overflows. */
function productError(a: number, b: number, p: number): number {
  let t = 134217729 * a; // 2^27 + 1: splits a into two 26-bit halves
  const ah = t - (t - a);
  const al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The fast path's long double: its sign, the leading bit's exponent and the 64-bit significand's halves. */
const fast = { neg: false, exp: 0, hi: 0, lo: 0 };

/**
 * The long double of the decimal number strtold reads at b[p..e) (m·10^k, m of at most 15 significant
 * digits, |k| ≤ 44) into `fast`, with no string and no BigInt: y = fl(m·10^k) and the error x - y in
 * double-double arithmetic (exact for 0 ≤ k ≤ 22, to ~2^-100 relative otherwise), rounded to the 11 bits a long
 * double has past y's 53. Returns 0 for zero, 1 when `fast` holds the value, undefined for anything else
 * (hex, inf, nan, no digits, more digits, a larger exponent, too close to a rounding boundary to decide).
 */
function fastLongDouble(b: Uint8Array, p: number, e: number): number | undefined {
  let c = p < e ? b[p] : 0;
  const neg = c === 45;
  if (neg || c === 43) c = ++p < e ? b[p] : 0;
  let m = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  for (; c >= 48 && c <= 57; c = ++p < e ? b[p] : 0) {
    any = true;
    if (m === 0 && c === 48) continue;
    if (++digits > 15) return undefined;
    m = m * 10 + c - 48;
  }
  if (c === 120 || c === 88) return undefined; // 0x: hex
  if (c === 46) {
    for (c = ++p < e ? b[p] : 0; c >= 48 && c <= 57; c = ++p < e ? b[p] : 0) {
      any = true;
      scale--;
      if (m === 0 && c === 48) continue;
      if (++digits > 15) return undefined;
      m = m * 10 + c - 48;
    }
  }
  if (!any) return undefined;
  if (c === 101 || c === 69) {
    // An exponent only when digits follow the e and its sign, as strtold reads it.
    let q = p + 1;
    let x = q < e ? b[q] : 0;
    const eneg = x === 45;
    if (eneg || x === 43) x = ++q < e ? b[q] : 0;
    if (x >= 48 && x <= 57) {
      let v = 0;
      for (; x >= 48 && x <= 57; x = ++q < e ? b[q] : 0) if (v < 1e6) v = v * 10 + x - 48;
      scale += eneg ? -v : v;
    }
  }
  fast.neg = neg;
  if (m === 0) return 0;
  if (scale > 44 || scale < -44) return undefined;
  // x = m·10^scale as y + err: 10^k is exact for k ≤ 22, so larger scales take two steps.
  let y: number;
  let err: number;
  let exact: boolean;
  if (scale >= 0) {
    const p1 = POW10[Math.min(scale, 22)];
    y = m * p1;
    err = productError(m, p1, y);
    exact = scale <= 22;
    if (!exact) {
      const p2 = POW10[scale - 22];
      const y2 = y * p2;
      err = productError(y, p2, y2) + err * p2;
      y = y2;
    }
  } else {
    const p1 = POW10[Math.min(-scale, 22)];
    y = m / p1;
    let yp = y * p1;
    err = ((m - yp) - productError(y, p1, yp)) / p1;
    if (scale < -22) {
      const p2 = POW10[-scale - 22];
      const y2 = y / p2;
      yp = y2 * p2;
      err = (((y - yp) - productError(y2, p2, yp)) + err) / p2;
      y = y2;
    }
    exact = err === 0 && scale >= -22;
  }
  f64[0] = y;
  const hiWord = u32[1];
  const loWord = u32[0];
  const exp = (hiWord >>> 20) - 1023;
  // x just below a power of two y lies in the binade below: the slow path takes it.
  if (err < 0 && (hiWord & 0xfffff) === 0 && loWord === 0) return undefined;
  // The error in units of the long double's last bit (2^(exp - 63)), then rounded to nearest, ties to even.
  const units = err * 2 ** (63 - exp);
  let k = Math.floor(units);
  const frac = units - k;
  if (frac > 0.5 || (frac === 0.5 && exact && (k & 1) === 1)) k++;
  if (!exact && Math.abs(frac - 0.5) < 2 ** -30) return undefined;
  let hi = (0x80000000 | ((hiWord & 0xfffff) << 11) | (loWord >>> 21)) >>> 0;
  let lo = ((loWord << 11) >>> 0) + k;
  if (lo < 0) {
    lo += 2 ** 32;
    hi--;
  } else if (lo >= 2 ** 32) {
    lo -= 2 ** 32;
    hi++;
  }
  // Rounded into the next binade (or out of it, when two steps made err larger): the slow path.
  if (hi < 0x80000000 || hi >= 2 ** 32) return undefined;
  fast.exp = exp;
  fast.hi = hi;
  fast.lo = lo;
  return 1;
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
  const f = fastLongDouble(b, p, e);
  if (f === 0) {
    out[o] = ZERO;
    return o + 1;
  }
  if (f === 1) return writeNumber(fast.neg, fast.exp + EXP_BIAS, fast.hi, fast.lo, out, o);
  let q = p;
  let text = '';
  while (q < e && NUMBER_BYTE[b[q]] === 1) text += String.fromCharCode(b[q++]);
  const t = generalNumberText(text, 0, text.length);
  if (t === undefined || t === 'nan' || t === '-nan') {
    out[o] = t === undefined ? ERROR : t === 'nan' ? NAN : NEG_NAN;
    return o + 1;
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
