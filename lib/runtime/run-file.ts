// Sorted run files: the map tasks' output and the merge passes' intermediate files. Binary and
// length-prefixed (cheaper than TSV+JSON to parse back): [u32 key bytes][key UTF-8][u32 value bytes][value
// JSON], value length 0xFFFFFFFF meaning "no value". Written and read synchronously in big blocks: a task
// owns its thread, and one syscall per block costs nothing next to the records.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { DiskFullError } from '../../operators/shuffle/errors.ts';

const NO_VALUE = 0xffffffff;

export class RunWriter {
  readonly path: string;
  records = 0;
  bytes = 0;
  private fd: number;
  private buf: Buffer;
  private pos = 0;

  constructor(path: string, bufferSize = 1 << 20) {
    this.path = path;
    this.fd = openSync(path, 'wx', 0o600);
    this.buf = Buffer.allocUnsafe(Math.max(bufferSize, 4096));
  }

  /** Appends a record; valueJson is the JSON text of the value, or undefined. */
  add(key: string, valueJson: string | undefined): void {
    const need = 8 + key.length * 3 + (valueJson === undefined ? 0 : valueJson.length * 3);
    if (this.pos + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const b = this.buf;
    let p = this.pos;
    const kl = b.write(key, p + 4, 'utf8');
    b.writeUInt32LE(kl, p);
    p += 4 + kl;
    if (valueJson === undefined) {
      b.writeUInt32LE(NO_VALUE, p);
      p += 4;
    } else {
      const vl = b.write(valueJson, p + 4, 'utf8');
      b.writeUInt32LE(vl, p);
      p += 4 + vl;
    }
    this.bytes += p - this.pos;
    this.pos = p;
    this.records++;
  }

  private flush(): void {
    let off = 0;
    try {
      while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    } catch (err) {
      // The task's attempt dir is deleted by the scheduler; say where the space ran out.
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new DiskFullError(this.path, this.bytes, this.pos - off, err);
      throw err;
    }
    this.pos = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** A cursor over a run file: next() loads the following record into key/val and returns false at the end. */
export class RunReader {
  key = '';
  val: string | undefined = undefined;
  readonly path: string;
  private fd: number;
  private buf: Buffer;
  private pos = 0;
  private len = 0;
  private filePos = 0;
  private eof = false;

  constructor(path: string, bufferSize = 1 << 16) {
    this.path = path;
    this.fd = openSync(path, 'r');
    this.buf = Buffer.allocUnsafe(Math.max(bufferSize, 1024));
  }

  /** Makes sure n bytes are buffered from pos; false if the file ends first. */
  private fill(n: number): boolean {
    if (this.len - this.pos >= n) return true;
    if (this.eof) return false;
    const rest = this.len - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else if (rest > 0) this.buf.copy(this.buf, 0, this.pos, this.len);
    this.pos = 0;
    this.len = rest;
    while (this.len < n) {
      const got = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.filePos);
      if (got === 0) { this.eof = true; return false; }
      this.filePos += got;
      this.len += got;
    }
    return true;
  }

  next(): boolean {
    if (!this.fill(4)) {
      if (this.len > this.pos) throw new Error(`run file ${this.path} is truncated`);
      this.close();
      return false;
    }
    const kl = this.buf.readUInt32LE(this.pos);
    if (!this.fill(8 + kl)) throw new Error(`run file ${this.path} is truncated`);
    const b = this.buf;
    let p = this.pos + 4;
    this.key = b.toString('utf8', p, p + kl);
    p += kl;
    const vl = b.readUInt32LE(p);
    p += 4;
    this.pos = p;
    if (vl === NO_VALUE) {
      this.val = undefined;
      return true;
    }
    if (!this.fill(vl)) throw new Error(`run file ${this.path} is truncated`);
    this.val = this.buf.toString('utf8', this.pos, this.pos + vl);
    this.pos += vl;
    return true;
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Anything that yields sorted key/value records cursor-style (a run reader, a merge). */
export interface Cursor {
  key: string;
  val: string | undefined;
  next(): boolean;
  close(): void;
}
