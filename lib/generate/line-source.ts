// The contract between a kind's line generator and the size-exact chunk producer.

/** Writes one line (terminator included) at a time into a caller's buffer. */
export interface LineSource {
  /** Upper bound of one line's bytes: the caller guarantees this much room before calling nextLine. */
  readonly maxLineBytes: number;
  /** Writes the next line at buf[pos..], returns the position after its '\n'. */
  nextLine(buf: Buffer, pos: number): number;
}

/**
 * Cuts a LineSource's endless output at the last whole line that fits in `size` bytes. Lines are generated
 * the same way whatever the size, so the output for a size is a prefix of the output for any larger size.
 */
export class LineProducer {
  readonly size: number;
  bytes = 0;
  lines = 0;
  done: boolean;
  private readonly src: LineSource;

  constructor(src: LineSource, size: number) {
    this.src = src;
    this.size = size;
    this.done = size <= 0;
  }

  /** Fills buf from offset 0 with whole lines; returns the byte count (0 once done). */
  fill(buf: Buffer): number {
    if (this.done) return 0;
    const src = this.src;
    const limit = buf.length - src.maxLineBytes;
    if (limit < 0) throw new RangeError(`chunk of ${buf.length} bytes is smaller than a line (${src.maxLineBytes})`);
    let remaining = this.size - this.bytes;
    let pos = 0, lines = 0;
    while (pos <= limit) {
      const end = src.nextLine(buf, pos);
      const len = end - pos;
      if (len > remaining) { this.done = true; break; }
      remaining -= len;
      pos = end;
      lines++;
    }
    this.bytes += pos;
    this.lines += lines;
    if (remaining === 0) this.done = true;
    return pos;
  }
}
