// Honest byte estimates of records held in memory (V8, 64-bit, no pointer compression as in Node):
// a sequential one-byte string is a 16-byte header plus its chars; a slot in the buffer array is 8
// bytes; the prefix sort adds ~20 bytes of scratch per record (index, 64-bit word, output slot).
// Strings are counted at one byte per char: exact for byte (latin1) and ASCII strings, an undercount of
// `length` bytes for V8 two-byte strings (text with chars above U+00FF), which we do not scan for.

export const STRING_OVERHEAD = 16;
export const RECORD_OVERHEAD = 8 + 20;
const PAIR_OVERHEAD = 32 + 32; // the 2-element array object and its backing store

export function stringBytes(s: string): number {
  return STRING_OVERHEAD + s.length;
}

/** Estimated bytes held by any JSON-like value. */
export function valueBytes(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return 16;
    case 'string':
      return STRING_OVERHEAD + v.length;
    case 'boolean':
    case 'undefined':
      return 0;
    case 'object': {
      if (v === null) return 0;
      if (Array.isArray(v)) {
        let n = 32 + 8 * v.length;
        for (const x of v) n += valueBytes(x);
        return n;
      }
      let n = 56;
      for (const key in v) n += 24 + valueBytes((v as Record<string, unknown>)[key]);
      return n;
    }
    default:
      return 32;
  }
}

/** Estimated bytes a buffered record costs (strings, [key, value] pairs, anything JSON-like). */
export function recordBytes(r: unknown): number {
  if (typeof r === 'string') return RECORD_OVERHEAD + STRING_OVERHEAD + r.length;
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'string') {
    const v = r[1] as unknown;
    return RECORD_OVERHEAD + PAIR_OVERHEAD + STRING_OVERHEAD + r[0].length + (typeof v === 'number' ? 16 : valueBytes(v));
  }
  return RECORD_OVERHEAD + valueBytes(r);
}
