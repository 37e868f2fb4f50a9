// Byte sizes on the command line: `64MB`, `1GiB`, `512k`, GNU sort's `-S 64M` and `-S 50%`.
// The `bytes` package does the unit arithmetic; this file only normalises the spellings it does not know.
import os from 'node:os';
import bytes from 'bytes';
import { usageError } from './errors.ts';

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)$/i;

/**
 * Parse a size. `defaultUnit` applies to a bare number: 'b' for --memory (bytes), 'k' for sort's -S
 * (GNU sort reads a bare -S number as KiB). Units are binary (K = 1024). `N%` is a share of physical RAM.
 */
export function parseSize(text: string, flag: string, defaultUnit: 'b' | 'k' = 'b'): number {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) return Math.floor((os.totalmem() * Number(percent[1])) / 100);
  const m = SIZE.exec(trimmed);
  if (!m || (m[3] && !m[2])) {
    throw usageError(`${flag}: '${text}' is not a size — write e.g. 64MB, 1GiB, 512K or 50%`);
  }
  let unit = m[2].toLowerCase();
  if (!unit && !m[4]) unit = defaultUnit === 'k' ? 'k' : '';
  const value = unit ? bytes.parse(`${m[1]}${unit}b`) : Math.floor(Number(m[1]));
  if (value === null || !Number.isFinite(value) || value <= 0) {
    throw usageError(`${flag}: '${text}' must be a positive size such as 64MB`);
  }
  return value;
}

/** Parse a positive integer flag (`--workers 2`, `--top 10`). */
export function parseCount(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw usageError(`${flag}: '${text}' is not a whole number${min > 0 ? ` ≥ ${min}` : ''}`);
  }
  return Number(text);
}
