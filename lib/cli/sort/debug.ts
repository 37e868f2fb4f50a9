// --debug, as GNU sort 9.1 gives it in the C locale: warnings about the key specs on stderr before
// sorting, and each output line followed by one line per key underlining the bytes that key compares
// (tightened to the number or month a numeric or -M key reads; "^ no match for key" when empty), then the
// whole line unless -s or -u. Tabs print as '>' and the record terminator as a newline.
import { begField, limField, plainKey, resolveKeys, type KeyDef, type KeyFlags, type LineOrderOptions } from '../../../operators/shuffle/keys/gnukeys.ts';
import { isBlank, monthOf, strtoldEnd } from '../../../operators/shuffle/keys/gnucompare.ts';

export interface DebugOptions extends LineOrderOptions {
  /** Per -k key (in order): given as an obsolete +POS1 [-POS2]. */
  obsolete?: boolean[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNumeric = (k: KeyFlags): boolean => k.numeric || k.general || k.human;
/** GNU's sword == SIZE_MAX: the key starts at the line's start (-k1, -k1.1). */
const fromLineStart = (k: KeyDef): boolean => k.startField === 0 && k.startChar === 0;

/** GNU key_to_opts: the letters of a key's flags. */
function letters(k: KeyFlags): string {
  return (k.skipStartBlanks || k.skipEndBlanks ? 'b' : '') + (k.ignore === 'nondictionary' ? 'd' : '') + (k.foldCase ? 'f' : '') +
    (k.general ? 'g' : '') + (k.human ? 'h' : '') + (k.ignore === 'nonprinting' ? 'i' : '') + (k.month ? 'M' : '') +
    (k.numeric ? 'n' : '') + (k.random ? 'R' : '') + (k.reverse ? 'r' : '') + (k.version ? 'V' : '');
}

/** GNU's data-independent warnings (main and key_warnings), in its order, without the program name. */
export function debugWarnings(o: DebugOptions): string[] {
  const out = ['text ordering performed using simple byte comparison'];
  const { global, keys, globalOnly } = resolveKeys(o);
  const tab = o.separator === undefined ? -1 : o.separator.charCodeAt(0);
  const unused: KeyFlags = { ...global };
  let basic = false;
  let general = false;
  let basicSpan = false;
  let generalSpan = false;
  keys.forEach((k, i) => {
    const n = i + 1;
    if (isNumeric(k)) {
      if (k.general) general = true;
      else basic = true;
    }
    if (!globalOnly && o.obsolete?.[i]) {
      const end = k.endField === Infinity ? '' : String(k.endField + 1);
      out.push(`obsolescent key '+${k.startField}${end && ` -${end}`}' used; consider '-k ${k.startField + 1}${end && `,${end}`}' instead`);
    }
    const zeroWidth = !fromLineStart(k) && k.endField < k.startField;
    if (zeroWidth) out.push(`key ${n} has zero width and will be ignored`);
    const implicitSkip = isNumeric(k) || k.month;
    const lineOffset = k.endField === 0 && k.endChar !== 0;
    if (!zeroWidth && !globalOnly && tab < 0 && !lineOffset &&
        ((!k.skipStartBlanks && !implicitSkip) || (!k.skipStartBlanks && k.startChar !== 0) || (!k.skipEndBlanks && k.endChar !== 0))) {
      out.push(`leading blanks are significant in key ${n}; consider also specifying 'b'`);
    }
    if (!globalOnly && isNumeric(k) && (k.endField === Infinity || k.startField + 1 < k.endField + 1)) {
      out.push(`key ${n} is numeric and spans multiple fields`);
      if (k.general) generalSpan = true;
      else basicSpan = true;
    }
    if (unused.ignore === k.ignore) unused.ignore = undefined;
    for (const f of ['foldCase', 'skipStartBlanks', 'skipEndBlanks', 'month', 'numeric', 'general', 'human', 'random', 'version', 'reverse'] as const) {
      if (k[f]) unused[f] = false;
    }
  });
  // The C locale has no thousands separator and '.' as its decimal point.
  let localeWarned = false;
  if (basicSpan || generalSpan) {
    if (tab === 46) {
      out.push("field separator '.' is treated as a decimal point in numbers");
      localeWarned = true;
    } else if (tab === 45) out.push("field separator '-' is treated as a minus sign in numbers");
    else if (generalSpan && tab === 43) out.push("field separator '+' is treated as a plus sign in numbers");
  }
  if ((basic || general) && !localeWarned) out.push(`${tab === 46 ? '' : 'note '}numbers use '.' as a decimal point in this locale`);
  const lastResortOnly = !!(o.stable || o.unique);
  if (!plainKey(unused) || (unused.reverse && lastResortOnly && keys.length > 0)) {
    const opts = letters({ ...unused, reverse: unused.reverse && lastResortOnly });
    out.push(opts.length === 1 ? `option '-${opts}' is ignored` : `options '-${opts}' are ignored`);
  }
  if (unused.reverse && !lastResortOnly && keys.length > 0) out.push("option '-r' only applies to last-resort comparison");
  return out;
}

/** Screen columns of s[p, e) as GNU's debug_width counts them in the C locale: controls 0, a tab 1, others 1. */
function width(s: string, p: number, e: number): number {
  let w = 0;
  for (; p < e; p++) {
    const c = s.charCodeAt(p);
    if (c >= 32 && c !== 127) w++;
    else if (c === 9) w++;
  }
  return w;
}

/** GNU mark_key: `offset` spaces, then `n` underscores or "^ no match for key". */
function mark(offset: number, n: number): string {
  return ' '.repeat(offset) + (n > 0 ? '_'.repeat(n) : '^ no match for key') + '\n';
}

/** The extent [beg, lim) GNU's debug_key underlines for key `k` (undefined: the whole line) of `s`. */
function keyExtent(s: string, k: KeyDef | undefined, tab: number): [number, number] {
  let beg = 0;
  let lim = s.length;
  if (!k) return [beg, lim];
  if (!fromLineStart(k)) beg = begField(s, k, tab);
  if (k.endField !== Infinity) lim = limField(s, k, tab);
  if (!((k.skipStartBlanks && fromLineStart(k)) || k.month || isNumeric(k))) return [beg, lim];
  // GNU writes a NUL at lim and skips blanks from beg: past lim only when lim is before beg.
  while (beg < s.length && beg !== lim && isBlank(s.charCodeAt(beg))) beg++;
  if (lim < beg) return [beg, lim];
  const at = (i: number): number => (i < lim ? s.charCodeAt(i) : 0);
  let tight = beg;
  if (k.month) {
    if (monthOf(s, beg, lim) > 0) tight = beg + 3;
  } else if (k.general) {
    tight = strtoldEnd(s, beg, lim);
  } else if (k.numeric || k.human) {
    let p = beg + Number(beg < lim && at(beg) === 45);
    let digit = false;
    while (isDigit(at(p))) { p++; digit = true; }
    if (at(p) === 46) {
      p++;
      while (isDigit(at(p))) { p++; digit = true; }
      // GNU stops after the point when no digit follows it: the point stays in the number.
    }
    if (digit) tight = p + Number(k.human && 'KMGTPEZYk'.includes(String.fromCharCode(at(p))) && at(p) !== 0);
  } else {
    tight = lim;
  }
  return [beg, tight];
}

/** Annotates sorted lines (latin1 strings, no terminator) as GNU sort --debug prints them. */
export function debugAnnotator(o: DebugOptions): (line: string) => string {
  const { keys } = resolveKeys(o);
  const tab = o.separator === undefined ? -1 : o.separator.charCodeAt(0);
  const whole = keys.length === 0 || !(o.stable || o.unique);
  return (line) => {
    let out = line.replaceAll('\t', '>') + '\n';
    for (const k of keys) {
      const [beg, lim] = keyExtent(line, k, tab);
      out += mark(width(line, 0, beg), lim > beg ? width(line, beg, lim) : 0);
    }
    if (whole) out += mark(0, width(line, 0, line.length));
    return out;
  };
}
