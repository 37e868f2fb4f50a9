// Size and count flags: the one size grammar (plumbing/sizes.ts) with its errors as usage errors (exit 2).
import { parseSize as readSize } from '../../plumbing/sizes.ts';
import { usageError } from './errors.ts';

/**
 * Parse a size flag (`64MB`, `1GiB`, `512K`, `50%` of RAM). `defaultUnit` applies to a bare number: 'b' for
 * --memory (bytes), 'k' for sort's -S (GNU sort reads a bare -S number as KiB). Zero is refused.
 */
export function parseSize(text: string, flag: string, defaultUnit: 'b' | 'k' = 'b'): number {
  let value: number;
  try {
    value = readSize(text, flag, defaultUnit);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (value <= 0) throw usageError(`${flag}: '${text}' must be a positive size such as 64MB`);
  return value;
}

/** Parse a positive integer flag (`--workers 2`, `--top 10`). */
export function parseCount(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw usageError(`${flag}: '${text}' is not a whole number${min > 0 ? ` ≥ ${min}` : ''}`);
  }
  return Number(text);
}
