// Errors with messages that say where and what to do.
import path from 'node:path';

/** ENOSPC while writing a run: names the temp dir and how much was being written. */
export class DiskFullError extends Error {
  readonly code = 'ENOSPC';
  readonly dir: string;
  readonly file: string;
  readonly bytesWritten: number;
  readonly bytesPending: number;
  constructor(file: string, bytesWritten: number, bytesPending: number, cause: unknown) {
    const dir = path.dirname(file);
    super(
      `mrpipe: disk full (ENOSPC) writing sort run ${path.basename(file)} in temp dir ${dir}: ` +
        `${bytesWritten} bytes written, ${bytesPending} more pending. Free space there or point tmpDir ` +
        `(or TMPDIR) at a larger disk; the partial runs were removed.`,
      { cause },
    );
    this.dir = dir;
    this.file = file;
    this.bytesWritten = bytesWritten;
    this.bytesPending = bytesPending;
  }
}

/** A run file that does not decode (truncated or overwritten). */
export class CorruptRunError extends Error {
  constructor(file: string, offset: number, what: string) {
    super(`mrpipe: corrupt run file ${file} at byte ${offset}: ${what}`);
  }
}
