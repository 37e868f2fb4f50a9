// Byte sizes, one grammar for the CLI and the API: `64MB`, `1GiB`, `512K`, `1.5g`, `65536`, and GNU sort's
// `50%` (a share of physical RAM). Units are binary (K = 1024) whatever the spelling: KB, KiB and K are one
// unit. The `bytes` package does the unit arithmetic; this file checks the spelling, which `bytes` does not
// (it reads `1 lots` as 1 byte and `64KiB` as 64).
import os from 'node:os';
import bytes from 'bytes';

/**
 * The memory budget when none is given, for a job (runJob, `mrpipe run`), a command (`sort`, `wordcount`)
 * and an operator that buffers (externalSort, combine): 256 MiB, so a pipeline composed by hand holds what
 * `mrpipe run` of the same job holds. It is a budget per holder: give each buffering stage of a hand-made
 * pipeline its share. (64 MiB, the operators' old default, made `mrpipe sort` of 1 GB merge 16+ runs.)
 */
export const DEFAULT_MEMORY = 256 * 1024 * 1024;

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgtp])(?:i?b?)|(b))?$/i;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;


/**
 * Reads a size in bytes (a non-negative whole number; fractions are floored). A number is bytes; a string
 * is `N`, `N` + unit (B, K/KB/KiB, M…, G…, T…, P…, any case, spaces allowed) or `N%` of physical RAM.
 * `bareUnit` is the unit of a bare number in a string: 'b' (default) or 'k' (GNU sort's `-S 1024`).
 * Throws a RangeError naming `what` for anything else.
 *
 * @example
 * parseSize('64MB');   // 67108864
 * parseSize('50%');    // half of physical RAM
 */
export function parseSize(v: number | string, what = 'size', bareUnit: 'b' | 'k' = 'b'): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${what}: ${v} is not a size in bytes (a whole number ≥ 0)`);
    return Math.floor(v);
  }
  const text = String(v).trim();
  const percent = PERCENT.exec(text);
  if (percent) {
    const share = Number(percent[1]);
    if (share > 100) throw new RangeError(`${what}: '${v}' is more than all of RAM`);
    return Math.floor((os.totalmem() * share) / 100);
  }
  const m = SIZE.exec(text);
  if (!m) throw new RangeError(`${what}: '${v}' is not a size — write e.g. 64MB, 1GiB, 512K or 50%`);
  const unit = m[2] ?? (m[3] || bareUnit === 'b' ? '' : 'k');
  const n = unit === '' ? Number(m[1]) : bytes.parse(`${m[1]}${unit}b`);
  if (n === null || !Number.isFinite(n)) throw new RangeError(`${what}: '${v}' is too large`);
  return Math.floor(n);
}
