// GNU sort -g compares strtold values: on x86-64 an 80-bit long double (64-bit significand, exponents to
// 2^16383, subnormals down to 2^-16445), rounded to nearest-even. Doubles decide almost every comparison;
// when they cannot (equal or adjacent doubles, beyond double range, hex input) the numbers' texts are
// rounded here exactly, with BigInt, to what strtold returns, and those values are compared.

/** A long double: ±m·2^e with m < 2^64 (m = 0: zero), or an infinity. */
export interface LongDouble {
  neg: boolean;
  inf: boolean;
  m: bigint;
  e: number;
}

const MANT_BITS = 64;
const MIN_EXP = -16445; // the exponent of the smallest subnormal's bit
const MAX_TOP = 16383; // the largest exponent of a leading bit
/** Decimal digits kept before the rest folds into a sticky digit: more than any halfway point needs (~16500). */
const MAX_DIGITS = 20000;

/** The number of bits of n ≥ 0. */
export function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return 4 * (hex.length - 1) + 32 - Math.clz32(parseInt(hex[0], 16));
}

const ZERO = (neg: boolean): LongDouble => ({ neg, inf: false, m: 0n, e: 0 });
const INF = (neg: boolean): LongDouble => ({ neg, inf: true, m: 0n, e: 0 });

const pow10Cache = new Map<number, bigint>();
function pow10(k: number): bigint {
  let p = pow10Cache.get(k);
  if (p === undefined) {
    p = 10n ** BigInt(k);
    if (pow10Cache.size < 64) pow10Cache.set(k, p);
  }
  return p;
}

/** N/D·2^s rounded to nearest-even at 64 significant bits within the long double range. */
function round(neg: boolean, n: bigint, d: bigint, s: number): LongDouble {
  if (n === 0n) return ZERO(neg);
  const scaled = (e: number): [bigint, bigint, bigint] => {
    // q, r, den with n·2^(s-e)/d = q + r/den
    const sh = s - e;
    const num = sh >= 0 ? n << BigInt(sh) : n;
    const den = sh >= 0 ? d : d << BigInt(-sh);
    return [num / den, num % den, den];
  };
  const guess = bitLength(n) - bitLength(d) + s; // floor(log2 value) is guess or guess - 1
  if (guess - 1 > MAX_TOP + 1) return INF(neg);
  if (guess + 1 < MIN_EXP - 1) return ZERO(neg);
  let [q] = scaled(guess - MANT_BITS);
  const top = q >= 1n << 64n ? guess : guess - 1;
  let e = Math.max(top - (MANT_BITS - 1), MIN_EXP);
  const [q0, r, den] = scaled(e);
  q = q0;
  const twice = 2n * r;
  if (twice > den || (twice === den && (q & 1n) === 1n)) q++;
  if (q === 1n << 64n) {
    q = 1n << 63n;
    e++;
  }
  if (q === 0n) return ZERO(neg);
  if (e + MANT_BITS - 1 > MAX_TOP) return INF(neg);
  return { neg, inf: false, m: q, e };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * The long double strtold makes of `text`, the number it parsed (`1.5e3`, `-0x1.8p4`, `inf`, `-infinity`);
 * NaN is not a value here.
 */
export function parseLongDouble(text: string): LongDouble {
  const special = /^([+-]?)inf/i.exec(text);
  if (special) return INF(special[1] === '-');
  const hex = HEX.exec(text);
  if (hex) {
    const neg = hex[1] === '-';
    const int = hex[2];
    const frac = hex[3] ?? '';
    const digits = (int + frac).replace(/^0+/, '');
    if (digits === '') return ZERO(neg);
    const exp = Number(hex[4] ?? 0) - 4 * frac.length;
    const top = 4 * digits.length + exp;
    if (top > MAX_TOP + 8) return INF(neg);
    if (top < MIN_EXP - 8) return ZERO(neg);
    return round(neg, BigInt(`0x${digits}`), 1n, exp);
  }
  const dec = DECIMAL.exec(text);
  if (!dec) throw new Error(`not a number: ${JSON.stringify(text.slice(0, 40))}`);
  const neg = dec[1] === '-';
  const frac = dec[3] ?? '';
  let digits = dec[2] + frac;
  let exp = Number(dec[4] ?? 0) - frac.length;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  if (digits === '') return ZERO(neg);
  // value = digits·10^exp, digits without leading zeros: its magnitude is 10^(exp + digits.length - 1).
  const mag = exp + digits.length;
  if (mag > 4934) return INF(neg);
  if (mag < -4952) return ZERO(neg); // below half the smallest subnormal (~3.6e-4951)
  if (digits.length > MAX_DIGITS) {
    // Digits past any halfway point's only say "a little more": one sticky 1 keeps that.
    const sticky = /[1-9]/.test(digits.slice(MAX_DIGITS));
    exp += digits.length - MAX_DIGITS - 1;
    digits = digits.slice(0, MAX_DIGITS) + (sticky ? '1' : '0');
  }
  const n = BigInt(digits);
  return exp >= 0 ? round(neg, n * pow10(exp), 1n, 0) : round(neg, n, pow10(-exp), 0);
}

/** -1, 0 or 1 as a is below, equal to or above b (-0 equals 0). */
export function compareLongDouble(a: LongDouble, b: LongDouble): number {
  const za = !a.inf && a.m === 0n;
  const zb = !b.inf && b.m === 0n;
  if (za && zb) return 0;
  const sa = za ? 0 : a.neg ? -1 : 1;
  const sb = zb ? 0 : b.neg ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const mag = compareMagnitude(a, b);
  return sa < 0 ? -mag : mag;
}

function compareMagnitude(a: LongDouble, b: LongDouble): number {
  if (a.inf || b.inf) return Number(a.inf) - Number(b.inf);
  // Rounded values are normalized (m ≥ 2^63) unless subnormal (e = MIN_EXP): the leading bit orders them.
  const ta = a.e + bitLength(a.m);
  const tb = b.e + bitLength(b.m);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ma = a.e >= b.e ? a.m << BigInt(a.e - b.e) : a.m;
  const mb = b.e >= a.e ? b.m << BigInt(b.e - a.e) : b.m;
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

const bits = new Float64Array(1);
const ints = new BigInt64Array(bits.buffer);

/** True when no double lies strictly between x and y (equal, neighbours, or MAX_VALUE and Infinity). */
export function adjacentDoubles(x: number, y: number): boolean {
  if (x === y) return true;
  // Neighbours differ by one ulp, at most |v|·2^-52: a wider gap (of normal numbers) needs no bits.
  const gap = Math.abs(x - y);
  if (gap > 1e-300 && gap > Math.max(Math.abs(x), Math.abs(y)) * 2 ** -51) return false;
  const lo = Math.min(x, y);
  const hi = Math.max(x, y);
  bits[0] = lo;
  if (lo === 0) ints[0] = 1n; // +0 or -0: the next double up is the smallest subnormal
  else ints[0] += lo > 0 ? 1n : -1n;
  return bits[0] === hi;
}
