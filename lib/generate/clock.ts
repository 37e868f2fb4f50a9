// Calendar arithmetic on integers (no Date, no time zones): the same timestamps on every machine.
import { writePadded } from './ascii.ts';

/** 2026-01-01T00:00:00Z: where every generated clock starts. */
export const EPOCH_MS = Date.UTC(2026, 0, 1);
export const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Days since 1970-01-01 → [year, month 1..12, day 1..31] (H. Hinnant's civil_from_days). */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Writes "10/Oct/2000:13:55:36 +0000" (the Common Log Format time, UTC); returns the position after it. */
export function writeClfTime(buf: Uint8Array, pos: number, ms: number): number {
  const days = Math.floor(ms / DAY_MS);
  const [y, m, d] = civilFromDays(days);
  let s = Math.floor((ms - days * DAY_MS) / 1000);
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const mm = Math.floor(s / 60); s -= mm * 60;
  pos = writePadded(buf, pos, d, 2);
  buf[pos++] = 47;
  const mon = MONTHS[m - 1];
  buf[pos++] = mon.charCodeAt(0); buf[pos++] = mon.charCodeAt(1); buf[pos++] = mon.charCodeAt(2);
  buf[pos++] = 47;
  pos = writePadded(buf, pos, y, 4);
  buf[pos++] = 58; pos = writePadded(buf, pos, hh, 2);
  buf[pos++] = 58; pos = writePadded(buf, pos, mm, 2);
  buf[pos++] = 58; pos = writePadded(buf, pos, s, 2);
  buf[pos++] = 32; buf[pos++] = 43; buf[pos++] = 48; buf[pos++] = 48; buf[pos++] = 48; buf[pos++] = 48;
  return pos;
}

/** Writes "2026-01-01T00:00:00.123Z" (ISO 8601, UTC, milliseconds). */
export function writeIsoTime(buf: Uint8Array, pos: number, ms: number): number {
  const days = Math.floor(ms / DAY_MS);
  const [y, m, d] = civilFromDays(days);
  let r = ms - days * DAY_MS;
  const hh = Math.floor(r / 3600000); r -= hh * 3600000;
  const mm = Math.floor(r / 60000); r -= mm * 60000;
  const ss = Math.floor(r / 1000); r -= ss * 1000;
  pos = writePadded(buf, pos, y, 4); buf[pos++] = 45;
  pos = writePadded(buf, pos, m, 2); buf[pos++] = 45;
  pos = writePadded(buf, pos, d, 2); buf[pos++] = 84;
  pos = writePadded(buf, pos, hh, 2); buf[pos++] = 58;
  pos = writePadded(buf, pos, mm, 2); buf[pos++] = 58;
  pos = writePadded(buf, pos, ss, 2); buf[pos++] = 46;
  pos = writePadded(buf, pos, r, 3); buf[pos++] = 90;
  return pos;
}

/** Quantiles of the unit exponential distribution: table[i] = -ln(1 - (i + 0.5) / n). Sampling = one look-up. */
export function exponentialTable(n = 4096): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = -Math.log(1 - (i + 0.5) / n);
  return t;
}

/** Quantiles of a log-normal distribution with the given median and sigma (inverse normal by Acklam's rational approximation). */
export function logNormalTable(median: number, sigma: number, n = 4096): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = median * Math.exp(sigma * inverseNormal((i + 0.5) / n));
  return t;
}

function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
