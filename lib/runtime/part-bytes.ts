// A part file written as bytes through one buffer: the engines that never make a string per key (the
// word-count engine, the counting reduce) write `key<TAB>count` lines with it.
import { closeSync, openSync, writeSync } from 'node:fs';
import { copyBytes, writeDecimal } from '../../operators/shuffle/runs/codec.ts';

/** Each part file's write buffer. */
export const PART_BUFFER_BYTES = 256 * 1024;
const LF = 10;

/** One part file written through a buffer of bytes. */
export class PartBytes {
  private fd: number;
  private buf = Buffer.allocUnsafeSlow(PART_BUFFER_BYTES);
  private pos = 0;
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'wx', 0o666);
  }

  /** Writes `src[s, e)<TAB>count<LF>`. */
  line(src: Buffer, s: number, e: number, count: number): void {
    const len = e - s;
    if (this.pos + len + 24 > this.buf.length) {
      this.flush();
      if (len + 24 > this.buf.length) this.buf = Buffer.allocUnsafeSlow(len + 24);
    }
    const b = this.buf;
    let p = this.pos;
    p += copyBytes(src, s, e, b, p);
    b[p++] = 9;
    p += writeDecimal(b, p, count);
    b[p++] = LF;
    this.pos = p;
  }

  /** Writes `key<TAB>count<LF>`, key a string in `encoding`. */
  text(key: string, encoding: 'utf8' | 'latin1', count: number): void {
    const max = (encoding === 'latin1' ? key.length : 3 * key.length) + 24;
    if (this.pos + max > this.buf.length) {
      this.flush();
      if (max > this.buf.length) this.buf = Buffer.allocUnsafeSlow(max);
    }
    const b = this.buf;
    let p = this.pos + b.write(key, this.pos, encoding);
    b[p++] = 9;
    p += writeDecimal(b, p, count);
    b[p++] = LF;
    this.pos = p;
  }

  private flush(): void {
    let off = 0;
    try {
      while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new Error(`disk full (ENOSPC) writing output ${this.path}: free space beside the output directory or choose another output; the partial part was removed`, { cause: err });
      }
      throw err;
    }
    this.pos = 0;
  }

  close(): void {
    this.flush();
    this.closeFd();
  }

  closeFd(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
