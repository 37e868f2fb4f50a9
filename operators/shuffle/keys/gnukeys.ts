// GNU sort key semantics: -t SEP, -k POS1[,POS2] with per-key ordering flags (b d f g h i M n R r V), the
// same flags globally, and the last-resort whole-line comparison. Field and character positions follow
// coreutils' begfield/limfield; each key's comparison is chosen once, when the order is built.
import { compareRange, compareUtf8, type Comparator } from '../sort/compare.ts';
import {
  compareGeneral, compareHuman, compareMonth, compareNumeric, compareVersion, isBlank, randomComparator,
} from './gnucompare.ts';

export { compareNumeric };

/** GNU's ordering flags of one key (or the global ones). */
export interface KeyFlags {
  /** b on POS1 / POS2: skip leading blanks before counting characters. */
  skipStartBlanks: boolean;
  skipEndBlanks: boolean;
  /** d: only blanks and alphanumerics count; i: only printable bytes count. */
  ignore?: 'nondictionary' | 'nonprinting';
  /** f: fold lower case to upper case. */
  foldCase: boolean;
  numeric: boolean;
  general: boolean;
  human: boolean;
  month: boolean;
  version: boolean;
  random: boolean;
  reverse: boolean;
}

/** A parsed GNU sort key definition (`-k 2,2n`): fields, characters and per-key flags. */
export interface KeyDef extends KeyFlags {
  /** 0-based field where the key starts. */
  startField: number;
  /** 0-based character offset in that field. */
  startChar: number;
  /** 0-based field where the key ends; Infinity = end of line. */
  endField: number;
  /** 1-based last character in the end field; 0 = the whole end field. */
  endChar: number;
  /** True if any flag was given on this key (otherwise it inherits the global flags, as in GNU sort). */
  hasFlags: boolean;
}

/** No flags at all. */
export function noFlags(): KeyFlags {
  return {
    skipStartBlanks: false, skipEndBlanks: false, foldCase: false, numeric: false, general: false, human: false,
    month: false, version: false, random: false, reverse: false,
  };
}

/**
 * Applies GNU ordering letters to `k` (set_ordering): `where` says which end a `b` belongs to. Returns the
 * first letter that is not a flag, or undefined.
 */
export function applyFlags(k: KeyFlags, letters: string, where: 'start' | 'end' | 'both'): string | undefined {
  for (const ch of letters) {
    switch (ch) {
      case 'b':
        if (where !== 'end') k.skipStartBlanks = true;
        if (where !== 'start') k.skipEndBlanks = true;
        break;
      case 'd': k.ignore = 'nondictionary'; break;
      case 'f': k.foldCase = true; break;
      case 'g': k.general = true; break;
      case 'h': k.human = true; break;
      case 'i': k.ignore ??= 'nonprinting'; break;
      case 'M': k.month = true; break;
      case 'n': k.numeric = true; break;
      case 'R': k.random = true; break;
      case 'r': k.reverse = true; break;
      case 'V': k.version = true; break;
      default: return ch;
    }
  }
  return undefined;
}

/** GNU default_key_compare: no flag but (maybe) r. */
export function plainKey(k: KeyFlags): boolean {
  return !(k.ignore || k.foldCase || k.skipStartBlanks || k.skipEndBlanks || k.numeric || k.general || k.human ||
    k.month || k.version || k.random);
}

/** GNU's check_ordering_compatibility: the letters of the clashing flags, or undefined when they agree. */
export function incompatibleFlags(k: KeyFlags): string | undefined {
  const n = Number(k.numeric) + Number(k.general) + Number(k.human) + Number(k.month) +
    Number(k.version || k.random || !!k.ignore);
  if (n <= 1) return undefined;
  return (k.ignore === 'nondictionary' ? 'd' : '') + (k.foldCase ? 'f' : '') + (k.general ? 'g' : '') +
    (k.human ? 'h' : '') + (k.ignore === 'nonprinting' ? 'i' : '') + (k.month ? 'M' : '') + (k.numeric ? 'n' : '') +
    (k.random ? 'R' : '') + (k.version ? 'V' : '');
}

const KEY_FLAGS = 'bdfghiMnRrV';

/**
 * Parse a GNU sort key definition: `F[.C][OPTS][,F[.C][OPTS]]`, OPTS from `bdfghiMnRrV`
 * (e.g. `2,2n`, `1.3,1.5`, `3nr`, `2b,2`, `2,2f`). Throws an error naming the spec otherwise.
 */
export function parseKeyDef(spec: string): KeyDef {
  const m = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?$/.exec(spec);
  const bad = (why: string): Error => new Error(`mrpipe: invalid sort key '${spec}': ${why} (expected F[.C][${KEY_FLAGS}][,F[.C][${KEY_FLAGS}]])`);
  if (!m) throw bad('syntax');
  const f1 = Number(m[1]);
  if (f1 < 1) throw bad('field numbers start at 1');
  const c1 = m[2] === undefined ? 1 : Number(m[2]);
  if (c1 < 1) throw bad('character positions start at 1');
  const key: KeyDef = { ...noFlags(), startField: f1 - 1, startChar: c1 - 1, endField: Infinity, endChar: 0, hasFlags: false };
  const flags = (s: string, where: 'start' | 'end'): void => {
    if (s !== '') key.hasFlags = true;
    const stray = applyFlags(key, s, where);
    if (stray !== undefined) throw bad(`unsupported flag '${stray}'`);
  };
  flags(m[3], 'start');
  if (m[4] !== undefined) {
    const f2 = Number(m[4]);
    if (f2 < 1) throw bad('field numbers start at 1');
    key.endField = f2 - 1;
    key.endChar = m[5] === undefined ? 0 : Number(m[5]);
    flags(m[6], 'end');
  }
  return key;
}

/** Start of the key in `s` (GNU begfield). `tab` is the separator char code, or -1 for blank runs. */
export function begField(s: string, key: KeyDef, tab: number): number {
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
export function limField(s: string, key: KeyDef, tab: number): number {
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

export interface LineOrderOptions {
  keys?: (KeyDef | string)[];
  /** -t: a single character; default: fields are separated by runs of blanks (GNU default). */
  separator?: string;
  numeric?: boolean;
  reverse?: boolean;
  stable?: boolean;
  unique?: boolean;
  /** Global ordering letters as GNU's options give them (`bdfghiMnRV`): the flags of keys that have none. */
  ordering?: string;
  /** -R: the 16-byte seed of the key hash (default: all zero). */
  randomSeed?: Uint8Array;
}

export interface LineOrder {
  /** The full GNU comparison (keys, then the whole line unless stable/unique). */
  compare: Comparator<string>;
  /** Key-only comparison: what -u considers duplicates. */
  keyCompare: Comparator<string>;
}

type RangeCompare = (a: string, as: number, ae: number, b: string, bs: number, be: number) => number;

const UPPER = new Uint8Array(256).map((_, i) => (i >= 97 && i <= 122 ? i - 32 : i));
const NONDICTIONARY = new Uint8Array(256).map((_, i) =>
  Number(!isBlank(i) && !(i >= 48 && i <= 57) && !((i | 0x20) >= 97 && (i | 0x20) <= 122)));
const NONPRINTING = new Uint8Array(256).map((_, i) => Number(i < 32 || i > 126));

/** The key's bytes with -d/-i bytes dropped and -f applied (GNU copies them so for the numeric modes). */
function transformed(s: string, p: number, e: number, ignore: Uint8Array | undefined, fold: boolean): string {
  let out = '';
  for (; p < e; p++) {
    const c = s.charCodeAt(p);
    if (c < 256 && ignore?.[c]) continue;
    out += String.fromCharCode(fold && c < 256 ? UPPER[c] : c);
  }
  return out;
}

/** GNU's text comparison with -d/-i (CMP_WITH_IGNORE) and/or -f (translate). */
function textCompare(ignore: Uint8Array | undefined, fold: boolean): RangeCompare {
  if (!ignore && !fold) return compareRange;
  const tr = (c: number): number => (fold && c < 256 ? UPPER[c] : c);
  if (!ignore) {
    return (a, as, ae, b, bs, be) => {
      while (as < ae && bs < be) {
        const d = tr(a.charCodeAt(as++)) - tr(b.charCodeAt(bs++));
        if (d) return d;
      }
      return (ae - as) - (be - bs);
    };
  }
  const skip = (c: number): boolean => c < 256 && ignore[c] === 1;
  return (a, as, ae, b, bs, be) => {
    for (;;) {
      while (as < ae && skip(a.charCodeAt(as))) as++;
      while (bs < be && skip(b.charCodeAt(bs))) bs++;
      if (!(as < ae && bs < be)) break;
      const d = tr(a.charCodeAt(as)) - tr(b.charCodeAt(bs));
      if (d) return d;
      as++;
      bs++;
    }
    return Number(as < ae) - Number(bs < be);
  };
}

/** The comparison of one key's byte ranges, chosen once per key spec. */
function keyRangeCompare(k: KeyFlags, seed: Uint8Array): RangeCompare {
  const ignore = k.ignore === 'nondictionary' ? NONDICTIONARY : k.ignore === 'nonprinting' ? NONPRINTING : undefined;
  const mode: RangeCompare | undefined = k.numeric ? compareNumeric : k.general ? compareGeneral : k.human ? compareHuman
    : k.month ? compareMonth : k.random ? randomComparator(seed) : k.version ? compareVersion : undefined;
  if (!mode) return textCompare(ignore, k.foldCase);
  if (!ignore && !k.foldCase) return mode;
  const fold = k.foldCase;
  return (a, as, ae, b, bs, be) => {
    const ta = transformed(a, as, ae, ignore, fold);
    const tb = transformed(b, bs, be, ignore, fold);
    return mode(ta, 0, ta.length, tb, 0, tb.length);
  };
}

/**
 * The keys as GNU compares them: a key with no flags but r (or none) takes all the global ones; with no
 * keys, non-default global flags make one whole-line key (`globalOnly`). Throws when flags clash.
 */
export function resolveKeys(o: LineOrderOptions): { global: KeyFlags; keys: KeyDef[]; globalOnly: boolean } {
  const global = noFlags();
  applyFlags(global, (o.ordering ?? '') + (o.numeric ? 'n' : '') + (o.reverse ? 'r' : ''), 'both');
  let keys = (o.keys ?? []).map((k) => (typeof k === 'string' ? parseKeyDef(k) : { ...k }));
  keys = keys.map((k) => (plainKey(k) && !k.reverse ? { ...k, ...global } : k));
  const globalOnly = keys.length === 0 && !plainKey(global);
  if (globalOnly) keys = [{ ...global, startField: 0, startChar: 0, endField: Infinity, endChar: 0, hasFlags: true }];
  for (const k of keys) {
    const clash = incompatibleFlags(k);
    if (clash !== undefined) throw new Error(`mrpipe: options '-${clash}' are incompatible`);
  }
  return { global, keys, globalOnly };
}

/** GNU sort's options resolved once: the keys as compared, the separator, the global -r, the last resort. */
export interface ResolvedOrder {
  keys: KeyDef[];
  /** -t as a byte, or -1 for runs of blanks. */
  tab: number;
  /** Global -r: reverses the last-resort comparison (and keys that inherit it). */
  reverse: boolean;
  /** Whole-line comparison when the keys tie (no -s, no -u, and keys given). */
  lastResort: boolean;
  /** -R's 16-byte seed (all zero when not given). */
  randomSeed: Uint8Array;
}

/** Resolves GNU sort's options. Throws when the separator is bad or a key's flags are incompatible. */
export function resolveOrder(o: LineOrderOptions): ResolvedOrder {
  if (o.separator !== undefined && o.separator.length !== 1) {
    throw new Error(`mrpipe: the field separator must be one character, got ${JSON.stringify(o.separator)}`);
  }
  const tab = o.separator === undefined ? -1 : o.separator.charCodeAt(0);
  const { global, keys } = resolveKeys(o);
  return {
    keys, tab, reverse: global.reverse, lastResort: keys.length > 0 && !(o.stable || o.unique),
    randomSeed: o.randomSeed ?? new Uint8Array(16),
  };
}

/** Build GNU sort's comparison for lines from its options. Throws when a key's flags are incompatible. */
export function gnuLineOrder(o: LineOrderOptions): LineOrder {
  const { keys, tab, reverse, lastResort } = resolveOrder(o);
  if (keys.length === 0) {
    const cmp: Comparator<string> = reverse ? (a, b) => compareUtf8(b, a) : compareUtf8;
    return { compare: cmp, keyCompare: cmp };
  }
  const seed = o.randomSeed ?? new Uint8Array(16);
  const cmps = keys.map((k) => keyRangeCompare(k, seed));
  const n = keys.length;
  const keyCompare: Comparator<string> = (a, b) => {
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const as = begField(a, k, tab);
      const ae = Math.max(as, limField(a, k, tab));
      const bs = begField(b, k, tab);
      const be = Math.max(bs, limField(b, k, tab));
      const d = cmps[i](a, as, ae, b, bs, be);
      if (d !== 0) return k.reverse ? -d : d;
    }
    return 0;
  };
  const compare: Comparator<string> = lastResort
    ? (a, b) => keyCompare(a, b) || (reverse ? compareUtf8(b, a) : compareUtf8(a, b))
    : keyCompare;
  return { compare, keyCompare };
}
