// Buffers that hold one huge word or line. A 200 MB line must not be held more than about twice (GNU sort
// holds it once plus its budget). So a buffer that must grow is a view of a resizable ArrayBuffer, which
// grows in place (no copy: the pages past what is written are committed but never touched, so never
// resident), and a buffer that is outgrown or done with is freed at once, not left to the next GC.

/** ArrayBuffer as of ES2024 (Node >= 22): resizable buffers, and transfer(0), which detaches and frees now. */
interface Es2024ArrayBuffer {
  transfer?: (length?: number) => ArrayBuffer;
  resizable?: boolean;
  maxByteLength?: number;
  resize?: (length: number) => void;
}

/** Address space a growable buffer reserves (only what it grows to is committed): 16 GiB, its longest line. */
const GROWABLE_MAX = 2 ** 34;

/**
 * Frees buf's memory now instead of at the next GC. Only for a Buffer that owns its whole (non-shared,
 * non-pooled) ArrayBuffer and that nothing else still views: every view of it becomes empty.
 */
export function freeNow(buf: Buffer): void {
  const ab = buf.buffer as ArrayBuffer & Es2024ArrayBuffer;
  if (buf.length === 0 || buf.byteOffset !== 0 || ab.byteLength !== buf.length) return;
  if (typeof SharedArrayBuffer !== 'undefined' && (ab as unknown) instanceof SharedArrayBuffer) return;
  ab.transfer?.(0);
}

/** The size from which a carry grows as a resizable buffer (in place, freed at once). */
const GROWABLE_FROM = 1 << 20;

/**
 * A Buffer of `size` bytes holding buf[0, used). In place when buf is a growable buffer made here (its
 * views stay valid); else a new one, growable from GROWABLE_FROM (plain where that cannot be made), and
 * buf is freed at once unless `borrowed` (the caller's own buffer, still in use elsewhere).
 */
export function growBuffer(buf: Buffer, used: number, size: number, borrowed = false): Buffer {
  const ab = buf.buffer as ArrayBuffer & Es2024ArrayBuffer;
  if (!borrowed && ab.resizable && ab.resize && buf.byteOffset === 0 && size <= (ab.maxByteLength ?? 0)) {
    ab.resize(size);
    return Buffer.from(ab, 0, size);
  }
  let bigger: Buffer;
  // Below GROWABLE_FROM a plain buffer: V8 reads a resizable buffer's typed arrays through another map, and
  // one such carry reaching the word table or the line scanner made their hot loops polymorphic for the
  // rest of the run (wordcount on 1 GB of real text: ~10% more CPU). Only a huge line or word, which
  // growing in place keeps from being held twice, gets one.
  if (size < GROWABLE_FROM) {
    bigger = Buffer.allocUnsafeSlow(size);
  } else {
    try {
      const rab = new (ArrayBuffer as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(size, { maxByteLength: Math.max(size, GROWABLE_MAX) });
      bigger = Buffer.from(rab, 0, size);
    } catch {
      bigger = Buffer.allocUnsafeSlow(size); // no address space to reserve (ulimit -v): copy on growth
    }
  }
  buf.copy(bigger, 0, 0, used);
  if (!borrowed) freeNow(buf);
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
