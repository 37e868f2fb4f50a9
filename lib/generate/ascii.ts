// Writing ASCII into Buffers without building strings on the hot path.

/** Writes a non-negative integer in decimal at pos; returns the position after it. */
export function writeUint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) { buf[pos] = 48 + n; return pos + 1; }
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  let p = pos + digits;
  while (n >= 10) { const q = Math.floor(n / 10); buf[--p] = 48 + n - q * 10; n = q; }
  buf[p - 1] = 48 + n;
  return pos + digits;
}

/** Writes a non-negative integer as exactly `width` digits (zero-padded). */
export function writePadded(buf: Uint8Array, pos: number, n: number, width: number): number {
  for (let p = pos + width - 1; p >= pos; p--) { const q = Math.floor(n / 10); buf[p] = 48 + n - q * 10; n = q; }
  return pos + width;
}

/** Copies bytes (short arrays: a plain loop beats Buffer.copy's call overhead). */
export function writeBytes(buf: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.length;
  for (let i = 0; i < n; i++) buf[pos + i] = src[i];
  return pos + n;
}

/** A table of strings as one byte array plus offsets, so a row is copied without touching a string. */
export interface ByteTable {
  bytes: Uint8Array;
  /** Row i is bytes[offsets[i] .. offsets[i+1]). */
  offsets: Uint32Array;
  maxLength: number;
}

export function byteTable(rows: readonly string[]): ByteTable {
  const encoded = rows.map((r) => Buffer.from(r, 'latin1'));
  const offsets = new Uint32Array(rows.length + 1);
  let total = 0, maxLength = 0;
  encoded.forEach((b, i) => { offsets[i] = total; total += b.length; if (b.length > maxLength) maxLength = b.length; });
  offsets[rows.length] = total;
  const bytes = new Uint8Array(total);
  encoded.forEach((b, i) => bytes.set(b, offsets[i]));
  return { bytes, offsets, maxLength };
}

export function writeRow(buf: Uint8Array, pos: number, t: ByteTable, row: number): number {
  const bytes = t.bytes;
  const start = t.offsets[row], end = t.offsets[row + 1];
  for (let i = start; i < end; i++) buf[pos++] = bytes[i];
  return pos;
}
