// Buffers that hold one huge word or line. A 200 MB line must not be held more than about twice (GNU sort
// holds it once plus its budget), so a buffer that is outgrown is freed at once, not left to the next GC
// (a chain of doubled copies waiting for it was ~1x the line on top), and the pages past what is copied
// are never touched (never resident).

/** The 'ArrayBuffer.prototype.transfer' of Node ≥ 22 (ES2024): transfer(0) detaches and frees now. */
interface Transferable {
  transfer?: (length?: number) => ArrayBuffer;
}

/**
 * Frees buf's memory now instead of at the next GC. Only for a Buffer that owns its whole (non-shared,
 * non-pooled) ArrayBuffer and that nothing else still views: every view of it becomes empty.
 */
export function freeNow(buf: Buffer): void {
  const ab = buf.buffer as ArrayBuffer & Transferable;
  if (buf.length === 0 || buf.byteOffset !== 0 || ab.byteLength !== buf.length) return;
  if (typeof SharedArrayBuffer !== 'undefined' && (ab as unknown) instanceof SharedArrayBuffer) return;
  ab.transfer?.(0);
}

/** A new Buffer of `size` bytes holding buf[0, used); buf (if it owns its memory) is freed at once. */
export function growBuffer(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafeSlow(size);
  buf.copy(bigger, 0, 0, used);
  freeNow(buf);
  return bigger;
}

/** Bytes of a carry buffer kept after its word is taken; a bigger one (a huge word) is freed. */
const KEEP_BYTES = 1 << 20;

/**
 * The start of a word a chunk ended inside, kept until the rest arrives. Grown by doubling: a long word cut
 * into many small chunks would otherwise be copied once per chunk (quadratic).
 */
export class ByteCarry {
  buf: Buffer = Buffer.alloc(0);
  length = 0;

  /** Appends chunk[s, e) (copied: the chunk may be reused by its reader). */
  append(chunk: Buffer, s: number, e: number): void {
    const need = this.length + (e - s);
    if (need > this.buf.length) this.buf = growBuffer(this.buf, this.length, Math.max(256, 2 * this.buf.length, need));
    this.length += chunk.copy(this.buf, this.length, s, e);
  }

  /** The carried bytes (a view, valid until the next append). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Empties the carry; a buffer grown for a huge word is freed (its bytes must no longer be in use). */
  clear(): void {
    this.length = 0;
    if (this.buf.length > KEEP_BYTES) {
      freeNow(this.buf);
      this.buf = Buffer.alloc(0);
    }
  }
}
