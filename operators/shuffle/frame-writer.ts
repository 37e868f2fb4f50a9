// The file under both run writers (RunWriter for records, LineRunWriter for raw lines): created private and
// exclusive (0600, `wx`: no planted symlinks), written through one large buffer, a full disk reported as a
// DiskFullError naming the temp dir, and abort() that removes the partial file.
import fs from 'node:fs';
import { DiskFullError } from './errors.ts';

export class FrameFileWriter<B extends Buffer = Buffer> {
  readonly path: string;
  /** Bytes flushed to the file so far. */
  bytes = 0;
  records = 0;
  protected fd: number;
  protected buf: B;
  protected pos = 0;

  constructor(file: string, buf: B) {
    this.path = file;
    this.fd = fs.openSync(file, 'wx', 0o600);
    this.buf = buf;
  }

  flush(): void {
    let off = 0;
    while (off < this.pos) {
      try {
        off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
      } catch (err) {
        const pending = this.pos - off;
        const written = this.bytes + off;
        this.abort();
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new DiskFullError(this.path, written, pending, err);
        throw err;
      }
    }
    this.bytes += this.pos;
    this.pos = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Close and delete the partial file. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already failing
      }
      this.fd = -1;
    }
    fs.rmSync(this.path, { force: true });
  }
}
