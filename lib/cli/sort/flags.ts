// mrpipe sort's flags as GNU sort reads them: repeated value options, -t, --sort/--check words (argmatch
// abbreviations), the global ordering letters and the -R seed.
import fs from 'node:fs';
import { describeFsError, failure, usageError } from '../errors.ts';

export interface SortFlags {
  reverse?: boolean;
  numericSort?: boolean;
  generalNumericSort?: boolean;
  humanNumericSort?: boolean;
  monthSort?: boolean;
  versionSort?: boolean;
  randomSort?: boolean;
  ignoreCase?: boolean;
  dictionaryOrder?: boolean;
  ignoreNonprinting?: boolean;
  ignoreLeadingBlanks?: boolean;
  sort?: string[];
  randomSource?: string;
  unique?: boolean;
  stable?: boolean;
  check?: string | boolean;
  c?: boolean;
  C?: boolean;
  merge?: boolean;
  zeroTerminated?: boolean;
  fieldSeparator?: string;
  key?: string[];
  bufferSize?: string;
  memory?: string;
  temporaryDirectory?: string;
  tmpDir?: string;
  output?: string;
  parallel?: string;
  files0From?: string;
  batchSize?: string;
  compressProgram?: string;
  debug?: boolean;
}

/** A value option GNU lets appear twice only with the same value (-o x -o x), else `message`. */
export function once(message: string) {
  return (v: string, prev: string | undefined): string => {
    if (prev !== undefined && prev !== v) throw usageError(message);
    return v;
  };
}

/** GNU sort's -t: one character; '\0' names the NUL byte. */
export function separatorOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === '\\0') return '\0';
  if (text.length !== 1) {
    throw usageError(`-t '${text}': the separator must be one character (GNU sort says "multi-character tab"); use -t $'\\t' for a tab`);
  }
  // latin1 strings hold bytes: a non-ASCII separator must be given as its single byte.
  if (text.charCodeAt(0) > 0xff) throw usageError(`-t '${text}': the separator must be a single byte`);
  return text;
}

const SORT_WORDS: Record<string, string> = {
  'general-numeric': 'g', 'human-numeric': 'h', month: 'M', numeric: 'n', random: 'R', version: 'V',
};
export const CHECK_WORDS: Record<string, 'quiet' | 'diagnose'> = { quiet: 'quiet', silent: 'quiet', 'diagnose-first': 'diagnose' };

/** GNU argmatch: the word, or its unique abbreviation, among `words`; else an error naming the option (exit 1, as GNU's argmatch). */
export function argmatch<T>(value: string, words: Record<string, T>, option: string): T {
  if (value in words) return words[value];
  const hits = Object.keys(words).filter((w) => w.startsWith(value));
  const values = new Set(hits.map((h) => words[h]));
  if (value !== '' && values.size === 1) return words[hits[0]];
  throw failure(`invalid argument '${value}' for '${option}' (valid: ${Object.keys(words).join(', ')})`);
}

/** GNU's global ordering flags as letters (bdfghiMnRV), from the options and --sort=WORD. */
export function orderingOf(f: SortFlags): string {
  let o = '';
  if (f.ignoreLeadingBlanks) o += 'b';
  if (f.dictionaryOrder) o += 'd';
  if (f.ignoreCase) o += 'f';
  if (f.generalNumericSort) o += 'g';
  if (f.humanNumericSort) o += 'h';
  if (f.ignoreNonprinting) o += 'i';
  if (f.monthSort) o += 'M';
  if (f.numericSort) o += 'n';
  if (f.randomSort) o += 'R';
  if (f.versionSort) o += 'V';
  for (const w of f.sort ?? []) o += argmatch(w, SORT_WORDS, '--sort');
  return o;
}

/** -R's seed: 16 bytes of --random-source (GNU fails on a shorter one), else fresh random bytes. */
export function randomSeed(source: string | undefined): Uint8Array {
  // node:crypto loaded here, only for -R: it costs ~5 ms of start-up.
  if (source === undefined) return process.getBuiltinModule('node:crypto').randomBytes(16);
  const seed = Buffer.alloc(16);
  let n = 0;
  try {
    const fd = fs.openSync(source, 'r');
    try {
      for (let r; n < 16 && (r = fs.readSync(fd, seed, n, 16 - n, null)) > 0;) n += r;
    } finally { fs.closeSync(fd); }
  } catch (err) {
    throw usageError(`--random-source ${describeFsError(err, source)}`);
  }
  if (n < 16) throw usageError(`--random-source ${source}: end of file (it needs at least 16 bytes)`);
  return seed;
}

