// The start of a word a chunk ended inside, kept until the rest arrives. Grown by doubling: a long word cut
// into many small chunks would otherwise be copied once per chunk (quadratic).

export class ByteCarry {
  buf: Buffer = Buffer.alloc(0);
  length = 0;

  /** Appends chunk[s, e) (copied: the chunk may be reused by its reader). */
  append(chunk: Buffer, s: number, e: number): void {
    const need = this.length + (e - s);
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(256, 2 * this.buf.length, need));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += chunk.copy(this.buf, this.length, s, e);
  }

  /** The carried bytes (a view, valid until the next append). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
