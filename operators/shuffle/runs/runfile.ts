// Run files: frames of [LEB128 payload length][payload], written and read with large sequential
// fs.writeSync/readSync calls (1 MiB buffers by default). The reader is a sync Cursor and Iterable, so a
// reducer can pull values straight from disk with no promises on the hot path.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { allocRunBuffer, varintSize, writeVarint, type Codec, type RunBuffer } from './codec.ts';
import type { Cursor } from './cursor.ts';
import { iterateCursor } from './cursor.ts';
import { CorruptRunError } from './errors.ts';
import { FrameFileWriter } from './frame-writer.ts';
import { RunFile } from '../../../plumbing/run-file.ts';

export const DEFAULT_IO_BUFFER = 1 << 20;

/**
 * Told of some of a run's frames as they are written, to build a sparse index of it (a reduce split by key
 * range then starts each run near its range instead of reading from the beginning): the first frame that
 * starts at or after file offset `next` is handed to take(), which moves `next` on.
 */
export interface FrameSampler {
  next: number;
  take(buf: RunBuffer, payloadStart: number, payloadEnd: number, frameOffset: number): void;
}

export class RunWriter<T> extends FrameFileWriter<RunBuffer> {
  private readonly codec: Codec<T>;
  /** Samples frames as they are written (see FrameSampler). */
  sampler: FrameSampler | undefined;

  /** `buffer`: its size, or a buffer to write through (a caller's, reused run after run); `compress`: a
   * program the run is written through (sort --compress-program). */
  constructor(file: string, codec: Codec<T>, buffer: number | RunBuffer = DEFAULT_IO_BUFFER, compress?: string) {
    super(file, typeof buffer === 'number' ? allocRunBuffer(buffer) : buffer, compress);
    this.codec = codec;
  }

  write(r: T): void {
    const max = this.codec.maxBytes(r);
    const width = varintSize(max);
    if (this.pos + width + max > this.buf.length) {
      this.flush();
      if (width + max > this.buf.length) this.buf = allocRunBuffer(width + max);
    }
    const start = this.pos + width;
    const end = this.codec.write(r, this.buf, start);
    writeVarint(this.buf, this.pos, end - start, width);
    const sampler = this.sampler;
    if (sampler !== undefined && this.bytes + this.pos >= sampler.next) sampler.take(this.buf, start, end, this.bytes + this.pos);
    this.pos = end;
    this.records++;
  }
}

/** Write all records of an iterable to a new run file; returns the records written. */
export function writeRun<T>(file: string, codec: Codec<T>, records: Iterable<T>, bufferSize?: number): number {
  const w = new RunWriter(file, codec, bufferSize);
  try {
    for (const r of records) w.write(r);
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  return w.records;
}

export class RunReader<T> implements Cursor<T>, Iterable<T> {
  readonly path: string;
  current: T = undefined as T;
  records = 0;
  private fd: number;
  private readonly run: RunFile;
  private buf: RunBuffer;
  private start = 0;
  private end = 0;
  private fileOffset = 0; // file offset of buf[0]
  private eof = false;
  /** Reads name their file offset (a reader that started past 0); else they go on from the fd's position. */
  private readonly positioned: boolean;
  private readonly codec: Codec<T>;

  /**
   * `compress`: the run was written through this program; `compress -d` reads it. `start`: the file offset
   * of a frame to start reading at (a FrameSampler's), for a run read from a file.
   */
  constructor(file: string, codec: Codec<T>, bufferSize = DEFAULT_IO_BUFFER, compress?: string, start = 0) {
    if (start > 0 && compress !== undefined) throw new Error('mrpipe: a compressed run is read from its start');
    this.path = file;
    this.codec = codec;
    this.run = RunFile.open(file, compress);
    this.fd = this.run.fd;
    this.buf = allocRunBuffer(Math.max(bufferSize, 64));
    this.fileOffset = start;
    this.positioned = start > 0;
  }

  advance(): boolean {
    if (this.end - this.start < 5 && !this.eof) this.ensure(5);
    let p = this.start;
    const end = this.end;
    if (p >= end) {
      this.close();
      return false;
    }
    const buf = this.buf;
    let n = 0;
    let shift = 1;
    let b: number;
    do {
      if (p >= end) throw this.corrupt(this.fileOffset + this.start, 'truncated length');
      b = buf[p++];
      n += (b & 0x7f) * shift;
      shift *= 128;
    } while (b & 0x80);
    if (p + n > end) {
      const header = p - this.start;
      this.ensure(header + n);
      p = this.start + header;
      if (p + n > this.end) throw this.corrupt(this.fileOffset + this.start, `record of ${n} bytes cut short`);
    }
    this.current = this.codec.read(this.buf, p, p + n);
    this.start = p + n;
    this.records++;
    return true;
  }

  /** Make at least `k` unread bytes available unless the file ends first. */
  private ensure(k: number): void {
    const left = this.end - this.start;
    if (k > this.buf.length) {
      const bigger = allocRunBuffer(Math.max(k, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    } else if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.fileOffset += this.start;
    this.start = 0;
    this.end = left;
    while (this.end < k && !this.eof) {
      const got = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.positioned ? this.fileOffset + this.end : null);
      if (got === 0) this.eof = true;
      this.end += got;
    }
  }

  /** A failed `PROG -d` explains a cut run better than the cut does. */
  private corrupt(at: number, what: string): Error {
    const err = this.run.failure(new CorruptRunError(this.path, at, what)) as Error;
    this.close();
    return err;
  }

  close(): void {
    const atEnd = this.eof;
    this.eof = true;
    this.start = this.end = 0;
    if (this.fd >= 0) {
      this.fd = -1;
      // At the run's end a decompressing program is waited for (its failure thrown); before it, let go.
      if (atEnd) this.run.close();
      else this.run.abort();
    }
  }

  [Symbol.iterator](): Iterator<T> {
    return iterateCursor(this);
  }
}

/** A sync iterable over a run file's records. */
export function readRun<T>(file: string, codec: Codec<T>, bufferSize?: number): RunReader<T> {
  return new RunReader(file, codec, bufferSize);
}

/**
 * The stream form: a Readable of record batches (arrays of up to `batchSize` records). It reads with the
 * same sync reader (one 1 MiB readSync per refill, well under a millisecond on a page-cached file), which
 * keeps one code path for both forms.
 */
export function runSource<T>(file: string, codec: Codec<T>, options: { batchSize?: number; bufferSize?: number } = {}): Readable {
  const batchSize = options.batchSize ?? 4096;
  let reader: RunReader<T> | undefined;
  return new Readable({
    objectMode: true,
    highWaterMark: 2,
    read() {
      try {
        reader ??= new RunReader(file, codec, options.bufferSize);
        const batch: T[] = [];
        while (batch.length < batchSize && reader.advance()) batch.push(reader.current);
        if (batch.length > 0) this.push(batch);
        if (batch.length < batchSize) this.push(null);
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, cb) {
      reader?.close();
      cb(err);
    },
  });
}
