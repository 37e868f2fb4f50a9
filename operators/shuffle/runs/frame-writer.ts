// The file under both run writers (RunWriter for records, LineRunWriter for raw lines): created private and
// exclusive (0600, `wx`: no planted symlinks), written through one large buffer, a full disk reported as a
// DiskFullError naming the temp dir, and abort() that removes the partial file.
import fs from 'node:fs';
import { DiskFullError } from './errors.ts';
import { RunFile } from '../../../plumbing/run-file.ts';

export class FrameFileWriter<B extends Buffer = Buffer> {
  readonly path: string;
  /** Bytes flushed to the file so far. */
  bytes = 0;
  records = 0;
  protected fd: number;
  protected buf: B;
  protected pos = 0;
  /** The file, or a pipe into `compress` writing it (plumbing/run-file.ts). */
  private readonly run: RunFile;

  /** `compress`: a program the run is written through (sort --compress-program). */
  constructor(file: string, buf: B, compress?: string) {
    this.path = file;
    this.run = RunFile.create(file, compress);
    this.fd = this.run.fd;
    this.buf = buf;
  }

  flush(): void {
    let off = 0;
    while (off < this.pos) {
      try {
        off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
      } catch (cause) {
        const err = this.run.failure(cause); // a pipe closed by a failed compress program: its failure
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
    this.fd = -1;
    try {
      this.run.close();
    } catch (err) {
      fs.rmSync(this.path, { force: true });
      throw err;
    }
  }

  /** Close and delete the partial file. */
  abort(): void {
    if (this.fd >= 0) {
      this.run.abort();
      this.fd = -1;
    }
    fs.rmSync(this.path, { force: true });
  }
}
