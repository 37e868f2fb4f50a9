// GNU sort key semantics: -t SEP, -k POS1[,POS2] with per-key flags b/n/r, global -n/-r/-s/-u, and the
// last-resort whole-line comparison. Field and character positions follow coreutils' begfield/limfield.
import { compareRange, compareUtf8, type Comparator } from './compare.ts';

/** A parsed GNU sort key definition (`-k 2,2n`): fields, characters and per-key flags. */
export interface KeyDef {
  /** 0-based field where the key starts. */
  startField: number;
  /** 0-based character offset in that field. */
  startChar: number;
  /** 0-based field where the key ends; Infinity = end of line. */
  endField: number;
  /** 1-based last character in the end field; 0 = the whole end field. */
  endChar: number;
  /** b on POS1 / POS2: skip leading blanks before counting characters. */
  skipStartBlanks: boolean;
  skipEndBlanks: boolean;
  numeric: boolean;
  reverse: boolean;
  /** True if any flag was given on this key (otherwise it inherits the global flags, as in GNU sort). */
  hasFlags: boolean;
}

/**
 * Parse a GNU sort key definition: `F[.C][OPTS][,F[.C][OPTS]]`, OPTS from `b`, `n`, `r`
 * (e.g. `2,2n`, `1.3,1.5`, `3nr`, `2b,2`). Throws a usage error naming the spec otherwise.
 */
export function parseKeyDef(spec: string): KeyDef {
  const m = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?$/.exec(spec);
  const bad = (why: string): Error => new Error(`mrpipe: invalid sort key '${spec}': ${why} (expected F[.C][bnr][,F[.C][bnr]])`);
  if (!m) throw bad('syntax');
  const f1 = Number(m[1]);
  if (f1 < 1) throw bad('field numbers start at 1');
  const c1 = m[2] === undefined ? 1 : Number(m[2]);
  if (c1 < 1) throw bad('character positions start at 1');
  const key: KeyDef = {
    startField: f1 - 1,
    startChar: c1 - 1,
    endField: Infinity,
    endChar: 0,
    skipStartBlanks: false,
    skipEndBlanks: false,
    numeric: false,
    reverse: false,
    hasFlags: false,
  };
  const flags = (s: string, start: boolean): void => {
    for (const ch of s) {
      key.hasFlags = true;
      if (ch === 'b') {
        if (start) key.skipStartBlanks = true;
        else key.skipEndBlanks = true;
      } else if (ch === 'n') key.numeric = true;
      else if (ch === 'r') key.reverse = true;
      else throw bad(`unsupported flag '${ch}'`);
    }
  };
  flags(m[3], true);
  if (m[4] !== undefined) {
    const f2 = Number(m[4]);
    if (f2 < 1) throw bad('field numbers start at 1');
    key.endField = f2 - 1;
    key.endChar = m[5] === undefined ? 0 : Number(m[5]);
    flags(m[6], false);
  }
  return key;
}

const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Start of the key in `s` (GNU begfield). `tab` is the separator char code, or -1 for blank runs. */
function begField(s: string, key: KeyDef, tab: number): number {
  let p = 0;
  const lim = s.length;
  let sword = key.startField;
  if (tab >= 0) {
    while (p < lim && sword--) {
      while (p < lim && s.charCodeAt(p) !== tab) p++;
      if (p < lim) p++;
    }
  } else {
    while (p < lim && sword--) {
      while (p < lim && isBlank(s.charCodeAt(p))) p++;
      while (p < lim && !isBlank(s.charCodeAt(p))) p++;
    }
  }
  if (key.skipStartBlanks) while (p < lim && isBlank(s.charCodeAt(p))) p++;
  return Math.min(lim, p + key.startChar);
}

/** End of the key in `s` (GNU limfield). */
function limField(s: string, key: KeyDef, tab: number): number {
  const lim = s.length;
  if (key.endField === Infinity) return lim;
  let p = 0;
  let eword = key.endField;
  const echar = key.endChar;
  if (echar === 0) eword++;
  if (tab >= 0) {
    while (p < lim && eword--) {
      while (p < lim && s.charCodeAt(p) !== tab) p++;
      if (p < lim && (eword || echar)) p++;
    }
  } else {
    while (p < lim && eword--) {
      while (p < lim && isBlank(s.charCodeAt(p))) p++;
      while (p < lim && !isBlank(s.charCodeAt(p))) p++;
    }
  }
  if (echar !== 0) {
    if (key.skipEndBlanks) while (p < lim && isBlank(s.charCodeAt(p))) p++;
    p = Math.min(lim, p + echar);
  }
  return p;
}

const DIGIT0 = 48;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * GNU -n on a[as, ae) vs b[bs, be): leading blanks, optional '-', digits, optional '.' and digits; anything
 * else (or nothing) is 0. Compared exactly on the digit strings, like coreutils' numcompare.
 */
export function compareNumeric(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const na = parseNum(a, as, ae);
  const ia0 = numIntStart;
  const ia1 = numIntEnd;
  const fa0 = numFracStart;
  const fa1 = numFracEnd;
  const nb = parseNum(b, bs, be);
  // signs: -1, 0 (zero or not a number), 1
  if (na !== nb) return na - nb;
  if (na === 0) return 0;
  let d = compareMagnitude(a, ia0, ia1, fa0, fa1, b, numIntStart, numIntEnd, numFracStart, numFracEnd);
  if (na < 0) d = -d;
  return d;
}

let numIntStart = 0;
let numIntEnd = 0;
let numFracStart = 0;
let numFracEnd = 0;

/** Parse into the num* globals (no allocation); returns the sign: -1, 0 (zero / not a number) or 1. */
function parseNum(s: string, p: number, end: number): number {
  while (p < end && isBlank(s.charCodeAt(p))) p++;
  let neg = false;
  if (p < end && s.charCodeAt(p) === 45) {
    neg = true;
    p++;
  }
  while (p < end && s.charCodeAt(p) === DIGIT0) p++; // leading zeros do not count
  numIntStart = p;
  while (p < end && isDigit(s.charCodeAt(p))) p++;
  numIntEnd = p;
  numFracStart = numFracEnd = p;
  if (p < end && s.charCodeAt(p) === 46) {
    p++;
    numFracStart = p;
    while (p < end && isDigit(s.charCodeAt(p))) p++;
    let e = p;
    while (e > numFracStart && s.charCodeAt(e - 1) === DIGIT0) e--; // trailing zeros do not count
    numFracEnd = e;
  }
  if (numIntEnd === numIntStart && numFracEnd === numFracStart) return 0;
  return neg ? -1 : 1;
}

function compareMagnitude(
  a: string, ai0: number, ai1: number, af0: number, af1: number,
  b: string, bi0: number, bi1: number, bf0: number, bf1: number,
): number {
  const la = ai1 - ai0;
  const lb = bi1 - bi0;
  if (la !== lb) return la - lb;
  for (let i = 0; i < la; i++) {
    const d = a.charCodeAt(ai0 + i) - b.charCodeAt(bi0 + i);
    if (d) return d;
  }
  const fa = af1 - af0;
  const fb = bf1 - bf0;
  const n = fa < fb ? fa : fb;
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(af0 + i) - b.charCodeAt(bf0 + i);
    if (d) return d;
  }
  return fa - fb;
}

export interface LineOrderOptions {
  keys?: (KeyDef | string)[];
  /** -t: a single character; default: fields are separated by runs of blanks (GNU default). */
  separator?: string;
  numeric?: boolean;
  reverse?: boolean;
  stable?: boolean;
  unique?: boolean;
}

export interface LineOrder {
  /** The full GNU comparison (keys, then the whole line unless stable/unique). */
  compare: Comparator<string>;
  /** Key-only comparison: what -u considers duplicates. */
  keyCompare: Comparator<string>;
}

/** Build GNU sort's comparison for lines from its options. */
export function gnuLineOrder(o: LineOrderOptions): LineOrder {
  if (o.separator !== undefined && o.separator.length !== 1) {
    throw new Error(`mrpipe: the field separator must be one character, got ${JSON.stringify(o.separator)}`);
  }
  const tab = o.separator === undefined ? -1 : o.separator.charCodeAt(0);
  const reverse = !!o.reverse;
  let keys = (o.keys ?? []).map((k) => (typeof k === 'string' ? parseKeyDef(k) : { ...k }));
  for (const k of keys) {
    if (!k.hasFlags) {
      k.numeric = !!o.numeric;
      k.reverse = reverse;
    }
  }
  if (keys.length === 0 && o.numeric) {
    keys = [{ startField: 0, startChar: 0, endField: Infinity, endChar: 0, skipStartBlanks: false, skipEndBlanks: false, numeric: true, reverse, hasFlags: true }];
  }
  const lastResort = !(o.stable || o.unique);
  if (keys.length === 0) {
    const cmp: Comparator<string> = reverse ? (a, b) => compareUtf8(b, a) : compareUtf8;
    return { compare: cmp, keyCompare: cmp };
  }
  const keyCompare: Comparator<string> = (a, b) => {
    for (const k of keys) {
      const as = begField(a, k, tab);
      const ae = Math.max(as, limField(a, k, tab));
      const bs = begField(b, k, tab);
      const be = Math.max(bs, limField(b, k, tab));
      const d = k.numeric ? compareNumeric(a, as, ae, b, bs, be) : compareRange(a, as, ae, b, bs, be);
      if (d !== 0) return k.reverse ? -d : d;
    }
    return 0;
  };
  const compare: Comparator<string> = lastResort
    ? (a, b) => keyCompare(a, b) || (reverse ? compareUtf8(b, a) : compareUtf8(a, b))
    : keyCompare;
  return { compare, keyCompare };
}
