// Event times for the activity recipe: ISO-8601 text or epoch milliseconds → the instant in ms, and a
// fixed-width digit form of it whose byte order is time order (so it can sit in a sort key).
// Own parser rather than Date.parse: V8 accepts 2026-02-30 (as March 2) and reads a time without an offset
// in the machine's zone, so two Hadoop nodes could disagree. Here a missing offset means UTC, every field is
// range-checked, and only years 0000-9999 are readable (YYYY-MM-DD days, 15-digit keys).

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in ms. */
export const MIN_MS = -62_167_219_200_000;
export const MAX_MS = 253_402_300_799_999;
const WIDTH = 15; // digits of MAX_MS - MIN_MS

//             year    month   day         hour    minute     second      fraction        offset
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * The instant of `ts` in ms, or undefined when unreadable. Strings: YYYY-MM-DD (midnight UTC) or
 * YYYY-MM-DD[T ]HH:MM[:SS[.fraction]] then Z, ±HH:MM, ±HHMM, ±HH or nothing (UTC); a fraction finer than
 * ms is truncated. Numbers: epoch ms, floored. Outside years 0000-9999: undefined.
 */
export function instantOf(ts: unknown): number | undefined {
  let ms: number;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return undefined;
    ms = Math.floor(ts);
  } else if (typeof ts === 'string') {
    const m = ISO.exec(ts);
    if (m === null) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
    const date = new Date(0);
    date.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it maps years 0-99 to 1900-1999
    date.setUTCHours(h, mi, s, m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0')));
    ms = date.getTime() - offsetMs(m[8]);
    if (Number.isNaN(ms)) return undefined;
  } else {
    return undefined;
  }
  return ms >= MIN_MS && ms <= MAX_MS ? ms : undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** ms east of UTC for Z, ±HH, ±HHMM, ±HH:MM (absent: 0, UTC); NaN when out of range. */
function offsetMs(off: string | undefined): number {
  if (off === undefined || off === 'Z' || off === 'z') return 0;
  const digits = off.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (h > 23 || m > 59) return NaN;
  return (off[0] === '-' ? -1 : 1) * (h * 60 + m) * 60_000;
}

/** The fixed-width, byte-sortable form of an instant from instantOf. */
export function sortableTime(ms: number): string {
  return String(ms - MIN_MS).padStart(WIDTH, '0');
}

/** The instant back from sortableTime's form. */
export function timeFromSortable(key: string): number {
  return Number(key) + MIN_MS;
}

/** The UTC day YYYY-MM-DD of an instant from instantOf. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
