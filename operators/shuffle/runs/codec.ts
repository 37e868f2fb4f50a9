// Record codecs for run files. A run file is a sequence of frames: a LEB128 length, then that many payload
// bytes. A codec turns one record into a payload and back. Strings are written latin1 (one byte per char,
// round-trips any bytes decoded as latin1) or utf8; pair values carry a one-byte tag so the common cases
// (small integers, floats, strings) skip JSON entirely. The pair payload [varint key bytes][key][tag][value]
// is the one pair format: the job runtime writes its runs in it too, through the pair helpers below.
import v8 from 'node:v8';
import type { Pair } from '../../types.ts';

/** How strings are stored: 'latin1' for byte strings (each char one byte), 'utf8' for any JS string. */
export type StringEncoding = 'latin1' | 'utf8';

/** Buffer with Node's fast string methods (present at run time, missing from @types/node). */
export type RunBuffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number): number;
  utf8Write(s: string, offset: number): number;
};

/** Allocate a buffer for run I/O. */
export function allocRunBuffer(size: number): RunBuffer {
  return Buffer.allocUnsafeSlow(size) as RunBuffer;
}

/** How records are written to and read from run files (externalSort's `codec`); the default suits strings, pairs and JSON. */
export interface Codec<T> {
  readonly name: string;
  /** An upper bound of the payload bytes of `r`; called right before write(r). */
  maxBytes(r: T): number;
  /** Write the payload of `r` at `off`; returns the end offset. */
  write(r: T, buf: RunBuffer, off: number): number;
  /** Decode one payload occupying buf[start, end). */
  read(buf: RunBuffer, start: number, end: number): T;
}

/** Copies src[start, end) to dst at `at`; returns the bytes copied. Short ranges (keys, small payloads) go
 * byte by byte: Buffer#copy's argument checks cost more than copying a few dozen bytes. */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Buffer, at: number): number {
  const n = end - start;
  if (n > 32) return (src as Buffer).copy(dst, at, start, end);
  for (let i = 0; i < n; i++) dst[at + i] = src[start + i];
  return n;
}

/**
 * Writes n as String(n) would, in ASCII, at `at`; returns the bytes written. A safe integer's digits go in
 * place (a count column: String() and Buffer#write cost a string and a native call per line); anything
 * else through String().
 */
export function writeDecimal(dst: Buffer, at: number, n: number): number {
  if (n >= 0 && n <= 9 && Number.isInteger(n)) {
    dst[at] = 48 + n;
    return 1;
  }
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return dst.write(String(n), at, 'latin1');
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = at + digits - 1, x = n; i >= at; i--) {
    const q = Math.floor(x / 10);
    dst[i] = 48 + (x - 10 * q);
    x = q;
  }
  return digits;
}

/** Bytes of the LEB128 encoding of n. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Write n as LEB128 padded to exactly `width` bytes (padding is valid LEB128: continuation bits, zero payload). */
export function writeVarint(buf: Buffer, off: number, n: number, width: number): number {
  for (let i = 1; i < width; i++) {
    buf[off++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[off++] = n & 0x7f;
  return off;
}

/** A latin1 string's chars are its bytes; if it has a char above 0xFF it was not a byte string. */
function assertLatin1(s: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(s)) {
    throw new Error(`mrpipe: string has characters above U+00FF but the run encoding is latin1: ${JSON.stringify(s.slice(0, 40))}`);
  }
}

/** Write a string with its own padded-varint length; `max` is an upper bound of its encoded bytes. */
export function writeString(buf: RunBuffer, off: number, s: string, enc: StringEncoding, max: number): number {
  const width = varintSize(max);
  const n = enc === 'latin1' ? buf.latin1Write(s, off + width) : buf.utf8Write(s, off + width);
  writeVarint(buf, off, n, width);
  return off + width + n;
}

/** Lines (strings). */
export function lineCodec(encoding: StringEncoding = 'utf8', strict = false): Codec<string> {
  const latin1 = encoding === 'latin1';
  return {
    name: `lines-${encoding}`,
    maxBytes: latin1 ? (s) => s.length : (s) => s.length * 3,
    write(s, buf, off) {
      if (latin1) {
        if (strict) assertLatin1(s);
        return off + buf.latin1Write(s, off);
      }
      return off + buf.utf8Write(s, off);
    },
    read: latin1 ? (buf, start, end) => buf.latin1Slice(start, end) : (buf, start, end) => buf.utf8Slice(start, end),
  };
}

export const TAG_INT = 0; // zigzag LEB128, |v| < 2^31
export const TAG_FLOAT = 1; // float64 LE
export const TAG_STRING = 2; // utf8 to the end of the payload
export const TAG_JSON = 3; // JSON text, utf8
export const TAG_V8 = 4; // v8.serialize
export const TAG_NONE = 5; // no value (undefined), nothing follows

/** Write a number as a tagged value (small integers zigzag LEB128, others float64); returns the end. At most 9 bytes. */
export function writeTaggedNumber(buf: RunBuffer, off: number, v: number): number {
  if ((v | 0) === v && !Object.is(v, -0)) {
    buf[off++] = TAG_INT;
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    while (z >= 0x80) {
      buf[off++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[off++] = z;
    return off;
  }
  buf[off++] = TAG_FLOAT;
  buf.writeDoubleLE(v, off);
  return off + 8;
}

/** The zigzag LEB128 integer of a TAG_INT value whose bytes start at `off` (after the tag). */
export function readTaggedInt(buf: Uint8Array, off: number): number {
  let z = 0;
  let s = 0;
  let b: number;
  do {
    b = buf[off++];
    z |= (b & 0x7f) << s;
    s += 7;
  } while (b & 0x80);
  return (z >>> 1) ^ -(z & 1);
}

/** Decode the tagged value at buf[off, end) (off at its tag). */
export function readTaggedValue(buf: RunBuffer, off: number, end: number): unknown {
  const tag = buf[off++];
  if (tag === TAG_INT) return readTaggedInt(buf, off);
  if (tag === TAG_FLOAT) return buf.readDoubleLE(off);
  if (tag === TAG_STRING) return buf.utf8Slice(off, end);
  if (tag === TAG_JSON) return JSON.parse(buf.utf8Slice(off, end));
  if (tag === TAG_V8) return v8.deserialize(buf.subarray(off, end));
  if (tag === TAG_NONE) return undefined;
  throw new Error(`mrpipe: corrupt run file: unknown value tag ${tag}`);
}

/** Where a pair payload's key lies, read in place by pairLayout: bytes [keyStart, keyEnd); the value's tag at keyEnd. */
export interface PairLayout {
  keyStart: number;
  keyEnd: number;
}

/** Fill `into` with the layout of the pair payload starting at buf[at]. */
export function pairLayout(buf: Uint8Array, at: number, into: PairLayout): PairLayout {
  let n = 0;
  let shift = 1;
  let b: number;
  do {
    b = buf[at++];
    n += (b & 0x7f) * shift;
    shift *= 128;
  } while (b & 0x80);
  into.keyStart = at;
  into.keyEnd = at + n;
  return into;
}

/** A payload as its bytes, buf[start, end): valid until its reader advances (see rawCodec). */
export interface RawPayload {
  buf: RunBuffer;
  start: number;
  end: number;
}

/**
 * Payloads copied as they are, never decoded: for merge passes that only move records. Each reader needs
 * its own (the record object is reused).
 */
export function rawCodec(): Codec<RawPayload> {
  const rec: RawPayload = { buf: undefined as unknown as RunBuffer, start: 0, end: 0 };
  return {
    name: 'raw',
    maxBytes: (r) => r.end - r.start,
    write: (r, buf, off) => off + copyBytes(r.buf, r.start, r.end, buf, off),
    read(buf, start, end) {
      rec.buf = buf;
      rec.start = start;
      rec.end = end;
      return rec;
    },
  };
}

/** A pair payload (a RawPayload) with its key's place, keyStart up to keyEnd, found once when it was read. */
export interface RawPair extends RawPayload, PairLayout {}

/**
 * rawCodec for pair payloads: each record read also has its key's place (pairLayout once), which a merge
 * then compares at every level of its tree without decoding the key's length again.
 */
export function rawPairCodec(): Codec<RawPair> {
  const rec: RawPair = { buf: undefined as unknown as RunBuffer, start: 0, end: 0, keyStart: 0, keyEnd: 0 };
  const { name, maxBytes, write } = rawCodec();
  return {
    name, maxBytes, write,
    read(buf, start, end) {
      rec.buf = buf;
      rec.start = start;
      rec.end = end;
      pairLayout(buf, start, rec);
      return rec;
    },
  };
}

/** Order of two raw pairs by their keys' bytes (UTF-8 byte order is the order of compareUtf8). */
export function compareRawPairs(a: RawPair, b: RawPair): number {
  const ka = a.keyStart;
  const la = a.keyEnd - ka;
  const kb = b.keyStart;
  const lb = b.keyEnd - kb;
  const n = la < lb ? la : lb;
  const x = a.buf;
  const y = b.buf;
  for (let i = 0; i < n; i++) {
    const d = x[ka + i] - y[kb + i];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** How pair values are stored: tagged (ints/floats/strings natively, else JSON), 'json', or 'v8' serialize. */
export type ValueFormat = 'tagged' | 'json' | 'v8';

/** [key, value] pairs. */
export function pairCodec<V = unknown>(keyEncoding: StringEncoding = 'utf8', values: ValueFormat = 'tagged'): Codec<Pair<V>> {
  const kmul = keyEncoding === 'latin1' ? 1 : 3;
  let pending: string | Buffer | undefined; // the encoded value from maxBytes(), reused by write()
  const layout: PairLayout = { keyStart: 0, keyEnd: 0 };
  return {
    name: `pairs-${keyEncoding}-${values}`,
    maxBytes(p) {
      const v = p[1] as unknown;
      let vb: number;
      if (v === undefined) vb = 1;
      else if (values === 'tagged' && typeof v === 'number') vb = 9;
      else if (values === 'tagged' && typeof v === 'string') vb = 1 + v.length * 3;
      else if (values === 'v8') {
        pending = v8.serialize(v);
        vb = 1 + pending.length;
      } else {
        pending = JSON.stringify(v) ?? 'null';
        vb = 1 + pending.length * 3;
      }
      const kb = p[0].length * kmul;
      return varintSize(kb) + kb + vb;
    },
    write(p, buf, off) {
      off = writeString(buf, off, p[0], keyEncoding, p[0].length * kmul);
      const v = p[1] as unknown;
      if (v === undefined) {
        buf[off] = TAG_NONE;
        return off + 1;
      }
      if (values === 'tagged' && typeof v === 'number') return writeTaggedNumber(buf, off, v);
      if (values === 'tagged' && typeof v === 'string') {
        buf[off++] = TAG_STRING;
        return off + buf.utf8Write(v, off);
      }
      if (values === 'v8') {
        buf[off++] = TAG_V8;
        return off + (pending as Buffer).copy(buf, off);
      }
      buf[off++] = TAG_JSON;
      return off + buf.utf8Write(pending as string, off);
    },
    read(buf, start, end) {
      const { keyStart, keyEnd } = pairLayout(buf, start, layout);
      const key = keyEncoding === 'latin1' ? buf.latin1Slice(keyStart, keyEnd) : buf.utf8Slice(keyStart, keyEnd);
      return [key, readTaggedValue(buf, keyEnd, end) as V];
    },
  };
}

/** Any JSON-compatible record (used when records are neither strings nor pairs). */
export function jsonCodec<T>(): Codec<T> {
  let pending = '';
  return {
    name: 'json',
    maxBytes(r) {
      pending = JSON.stringify(r) ?? 'null';
      return pending.length * 3;
    },
    write(_r, buf, off) {
      return off + buf.utf8Write(pending, off);
    },
    read: (buf, start, end) => JSON.parse(buf.utf8Slice(start, end)) as T,
  };
}

/** Pick a codec from the shape of a record: strings → lines, [string, v] → pairs, else JSON. */
export function codecFor<T>(sample: T, encoding: StringEncoding = 'utf8'): Codec<T> {
  if (typeof sample === 'string') return lineCodec(encoding) as unknown as Codec<T>;
  if (Array.isArray(sample) && sample.length === 2 && typeof sample[0] === 'string') {
    return pairCodec(encoding) as unknown as Codec<T>;
  }
  return jsonCodec<T>();
}
