// What GNU sort's getopt accepts and commander does not, rewritten before commander parses: abbreviated
// long options (`--rev`, `--p=1`: any unique prefix, an exact name wins), a bare `--check` (its value is
// optional and only ever given with `=`), and the obsolete keys `+POS1 [-POS2]` (turned into `-k`).
import { usageError } from '../errors.ts';

/** Long options of `mrpipe sort` (GNU's, plus mrpipe's --memory and --tmp-dir); true = takes a value. */
const LONG: Record<string, boolean> = {
  'batch-size': true, 'buffer-size': true, check: false, 'compress-program': true, debug: false,
  'dictionary-order': false, 'field-separator': true, 'files0-from': true, 'general-numeric-sort': false,
  help: false, 'human-numeric-sort': false, 'ignore-case': false, 'ignore-leading-blanks': false,
  'ignore-nonprinting': false, key: true, memory: true, merge: false, 'month-sort': false, 'numeric-sort': false,
  output: true, parallel: true, 'random-sort': false, 'random-source': true, reverse: false, sort: true,
  stable: false, 'temporary-directory': true, 'tmp-dir': true, unique: false, version: false, 'version-sort': false,
  'zero-terminated': false,
};

/** Short options that take a value (the rest of the cluster, or the next argument). */
const SHORT_WITH_VALUE = 'koStT';

/** The full name of a long option given as `name`, GNU getopt_long style. */
function longName(name: string): string {
  if (name in LONG) return name;
  const matches = Object.keys(LONG).filter((n) => n.startsWith(name));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) return name; // commander reports it as an unknown option
  throw usageError(`option '--${name}' is ambiguous; possibilities: ${matches.map((m) => `'--${m}'`).join(' ')}`);
}

const OBSOLETE_START = /^\+(\d+)(?:\.(\d+))?([bdfghiMnRrV]*)$/;
const OBSOLETE_END = /^-(\d+)(?:\.(\d+))?([a-zA-Z]*)$/;

/** `+A.x[flags] [-B.y[flags]]` as the equivalent -k spec (coreutils' own rule), or undefined if not a key. */
function obsoleteKey(plus: string, minus: string | undefined): string | undefined {
  const s = OBSOLETE_START.exec(plus);
  if (!s) return undefined;
  let spec = `${Number(s[1]) + 1}.${Number(s[2] ?? 0) + 1}${s[3]}`;
  if (minus !== undefined) {
    const e = OBSOLETE_END.exec(minus);
    if (!e) throw usageError(`invalid obsolete key end '${minus}' (expected -F[.C][bdfghiMnRrV])`);
    const field = Number(e[1]);
    const char = Number(e[2] ?? 0);
    // +A.x -B.y is -k A+1.x+1,B (y = 0) or -k A+1.x+1,B+1.y (y > 0); -0 ends with the first field.
    spec += char === 0 ? `,${Math.max(field, 1)}` : `,${field + 1}.${char}`;
    spec += e[3];
  }
  return spec;
}

/** Rewrites `mrpipe sort`'s arguments (after the word `sort`) into what commander parses as GNU means them. */
export function normalizeSortArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = longName(eq < 0 ? a.slice(2) : a.slice(2, eq));
      if (!(name in LONG)) {
        out.push(a);
        continue;
      }
      if (eq >= 0) {
        if (!LONG[name] && name !== 'check') throw usageError(`option '--${name}' doesn't allow an argument`);
        out.push(`--${name}${a.slice(eq)}`);
      } else if (name === 'check') {
        out.push('--check=diagnose-first');
      } else {
        out.push(`--${name}`);
        if (LONG[name] && i + 1 < args.length) out.push(args[++i]);
      }
      continue;
    }
    if (a.startsWith('+')) {
      const next = args[i + 1];
      const withEnd = next !== undefined && /^-\d/.test(next);
      const spec = obsoleteKey(a, withEnd ? next : undefined);
      if (spec !== undefined) {
        out.push(`-k\0${spec}`); // the NUL marks it obsolete, for --debug's warning (commands/sort.ts)
        if (withEnd) i++;
        continue;
      }
      out.push(a); // not a key: a file name, as in GNU sort
      continue;
    }
    if (!a.startsWith('-') || a.length < 2) {
      out.push(a);
      continue;
    }
    // A cluster of short options, one argument each (-V and -h spelled long: the program's own -V/-h
    // would take them); a value-taking one takes the rest, or the next argument.
    for (let j = 1; j < a.length; j++) {
      const ch = a[j];
      if (SHORT_WITH_VALUE.includes(ch)) {
        if (j < a.length - 1) out.push(`-${ch}${a.slice(j + 1)}`);
        else {
          out.push(`-${ch}`);
          if (i + 1 < args.length) out.push(args[++i]);
        }
        break;
      }
      out.push(ch === 'V' ? '--version-sort' : ch === 'h' ? '--human-numeric-sort' : `-${ch}`);
    }
  }
  return out;
}
