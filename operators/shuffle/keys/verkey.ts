// GNU sort -V (gnulib filenvercmp, coreutils 9.1) as an order-preserving byte key: plain byte order of two
// keys' encodings is the sign of filenvercmp on the keys (the comparator is compareVersion in
// ../gnucompare.ts, the oracle of the tests). Prefix-free, so other key parts may follow; inverting the
// bytes reverses the order (-r on a key).
//
// filenvercmp: "" first, then ".", "..", other names that start with '.', other names; within the last two
// classes verrevcmp of the names less their file suffix ((\.[A-Za-z~][A-Za-z0-9~]*)*$), ties broken by
// verrevcmp of the whole names. verrevcmp reads a name as non-digit runs N0 D0 N1 D1 …, digit runs D
// compared by value (leading zeros ignored; a missing run is 0), non-digit runs byte by byte with weights
// '~' < (run's end) < letters < other bytes. Its encoding V(name): for each run pair, the weights of N's
// bytes, RUN_END, the digit count of D without leading zeros and those digits; then NAME_END. Equal under
// verrevcmp ⇔ equal encodings ("a" and "a00", "1.01" and "1.1"), so -u drops exactly GNU's duplicates.

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;

/** Weights of a non-digit byte: '~' lowest, then the two ends, then letters, then the rest in byte order. */
const TILDE = 1;
/** The end of the name, where the other name's next run starts (non-first runs are never empty): never meets RUN_END. */
const NAME_END = 2;
const RUN_END = 3;
const WEIGHT = new Uint8Array(256);
{
  let w = RUN_END + 1;
  for (let c = 65; c <= 90; c++) WEIGHT[c] = w++;
  for (let c = 97; c <= 122; c++) WEIGHT[c] = w++;
  for (let c = 0; c < 256; c++) if (WEIGHT[c] === 0 && !isDigit(c) && c !== 126) WEIGHT[c] = w++;
  WEIGHT[126] = TILDE;
}
/** Digit counts from here on take 1 + n bytes (n = 1..4, big-endian), as in ./numkey.ts. */
const LONG_LENGTH = 0xf8;

/** Name classes: "" < "." < ".." < ".name" < "name". */
const EMPTY = 1;
const DOT = 2;
const DOTDOT = 3;
const HIDDEN = 4;
const NAME = 5;
/** After V(prefix) for names with a suffix: V(name) sorts below / above V(prefix); no suffix: EQUAL. */
const BELOW = 1;
const EQUAL = 2;
const ABOVE = 3;

const suffixByte = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 126;

/**
 * The length of b[s, e) without its file suffix, the longest match of (\.[A-Za-z~][A-Za-z0-9~]*)*$ (a
 * name that is all suffix, '.a', keeps none: coreutils 9.1's gnulib, checked against GNU sort).
 */
export function filePrefixEnd(b: Uint8Array, s: number, e: number): number {
  for (let i = s; ;) {
    const prefix = i;
    while (i + 1 < e && b[i] === 46 && (isAlpha(b[i + 1]) || b[i + 1] === 126)) {
      for (i += 2; i < e && suffixByte(b[i]); i++);
    }
    if (i === e) return prefix;
    i++;
  }
}

function writeLength(n: number, out: Uint8Array, o: number): number {
  if (n < LONG_LENGTH) {
    out[o] = n;
    return o + 1;
  }
  const k = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
  out[o++] = LONG_LENGTH - 1 + k;
  for (let i = k - 1; i >= 0; i--) out[o++] = Math.floor(n / 2 ** (8 * i)) & 255;
  return o;
}

/** V(b[s, e)) at out[o..]: verrevcmp's order as bytes. Returns the end. */
function encodeRuns(b: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  let p = s;
  for (;;) {
    while (p < e && !isDigit(b[p])) out[o++] = WEIGHT[b[p++]];
    out[o++] = RUN_END;
    while (p < e && b[p] === 48) p++;
    let q = p;
    while (q < e && isDigit(b[q])) q++;
    o = writeLength(q - p, out, o);
    while (p < q) out[o++] = b[p++];
    if (p === e) break;
  }
  out[o] = NAME_END;
  return o + 1;
}

/** The end of V(…) at b[p] (bytes XOR flip). */
function skipRuns(b: Uint8Array, p: number, flip: number): number {
  for (;;) {
    const c = b[p++] ^ flip;
    if (c === NAME_END) return p;
    if (c !== RUN_END) continue;
    const l0 = b[p++] ^ flip;
    if (l0 < LONG_LENGTH) p += l0;
    else {
      let n = 0;
      for (let i = 0; i < l0 - LONG_LENGTH + 1; i++) n = n * 256 + (b[p++] ^ flip);
      p += n;
    }
  }
}

/** Most bytes encodeVersion writes for a key of n bytes (a digit run of one byte takes three). */
export const versionBound = (n: number): number => 6 * n + 24;

/**
 * -V: the class byte; for names, V(name less suffix), then BELOW/EQUAL/ABOVE (V(name) against that) and,
 * for names with a suffix, V(name). verrevcmp(prefixes) decides first; on a tie GNU compares the whole
 * names, and a name without suffix is then V(prefix) itself, which the middle byte places against the
 * other name's V(name).
 */
export function encodeVersion(b: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  const n = e - s;
  if (n === 0) {
    out[o] = EMPTY;
    return o + 1;
  }
  if (b[s] === 46) {
    if (n === 1) {
      out[o] = DOT;
      return o + 1;
    }
    if (n === 2 && b[s + 1] === 46) {
      out[o] = DOTDOT;
      return o + 1;
    }
    out[o++] = HIDDEN;
  } else {
    out[o++] = NAME;
  }
  const pe = filePrefixEnd(b, s, e);
  const from = o;
  o = encodeRuns(b, s, pe, out, o);
  if (pe === e) {
    out[o] = EQUAL;
    return o + 1;
  }
  const mark = o++;
  const full = o;
  o = encodeRuns(b, s, e, out, o);
  // V(name) differs from V(prefix): the name has a '.' more. Where they first differ says which is below.
  let i = 0;
  while (out[full + i] === out[from + i]) i++;
  out[mark] = out[full + i] < out[from + i] ? BELOW : ABOVE;
  return o;
}

export function skipVersion(b: Uint8Array, p: number, flip: number): number {
  const cls = b[p++] ^ flip;
  if (cls < HIDDEN) return p;
  p = skipRuns(b, p, flip);
  const mark = b[p++] ^ flip;
  return mark === EQUAL ? p : skipRuns(b, p, flip);
}
