// Recipe parameters, read from the environment so the same job module works everywhere: set them with
// `mrpipe run -D NAME=VALUE`, in the shell (`MRPIPE_TOP=20 mrpipe run top …`), or Hadoop's `-cmdenv`.
// Worker threads inherit the environment, so every task sees the same values.

/** The string parameter `name`, or `fallback`. */
export function param(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

/** A whole-number parameter ≥ min; a clear error otherwise. */
export function intParam(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name}=${raw}: expected a whole number ≥ ${min}`);
  return n;
}

/** The field separator parameter: 'tab' (default), 'space' (runs of blanks), 'comma', or one character. */
export function separatorParam(name: string): string | RegExp {
  const v = param(name, 'tab');
  if (v === 'tab' || v === '\\t') return '\t';
  if (v === 'space' || v === 'blank') return /[ \t]+/;
  if (v === 'comma') return ',';
  return v;
}

const EDGE_BLANKS = /^[ \t]+|[ \t]+$/g;

/**
 * Field n (1-based) of `line`, or the whole line for n = 0; undefined when the line has fewer fields. A
 * RegExp separator (space: runs of blanks) ignores blanks at both ends, like awk. Only spaces and tabs:
 * String#trim would also cut byte 0xA0 (U+00A0 in latin1), the last byte of UTF-8 'à'.
 */
export function fieldOf(line: string, n: number, sep: string | RegExp): string | undefined {
  if (n === 0) return line;
  if (typeof sep === 'string') {
    const parts = line.split(sep, n);
    return parts.length >= n ? parts[n - 1] : undefined;
  }
  const inner = line.replace(EDGE_BLANKS, '');
  const parts = inner === '' ? [] : inner.split(sep, n); // a blank line has no fields (awk: NF = 0)
  return parts.length >= n ? parts[n - 1] : undefined;
}
