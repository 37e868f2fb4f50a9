// The three ways out of the generator: a Readable, a file (written under a temporary name, renamed when
// complete, double-buffered so generating overlaps writing), and any Writable with backpressure that ends
// quietly when the reader goes away (`mrpipe generate ... | head`).
import { once } from 'node:events';
import { open, rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { LineProducer } from './line-source.ts';
import { DEFAULT_CHUNK_SIZE, lineSource, parseSize, type GenerateKind, type GenerateOptions } from './options.ts';

export interface GenerateProgress {
  bytesWritten: number;
  bytesTotal: number;
  lines: number;
}

export interface GenerateResult {
  bytes: number;
  lines: number;
}

export interface WriteOptions extends GenerateOptions {
  onProgress?: (p: GenerateProgress) => void;
  signal?: AbortSignal;
}

function producer(kind: GenerateKind | string, opts: GenerateOptions): { p: LineProducer; chunkSize: number } {
  const size = parseSize(opts.size);
  const src = lineSource(kind, opts);
  const chunkSize = Math.max(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, src.maxLineBytes * 2);
  return { p: new LineProducer(src, size), chunkSize };
}

/** A Readable of Buffers holding whole lines; emits 'progress' (GenerateProgress) after each chunk. */
export class GenerateStream extends Readable {
  readonly bytesTotal: number;
  private readonly producer: LineProducer;
  private readonly chunkSize: number;

  constructor(kind: GenerateKind | string, opts: GenerateOptions) {
    super({ highWaterMark: 1 }); // counts chunks: at most one chunk (≈ chunkSize bytes) buffered ahead
    const { p, chunkSize } = producer(kind, opts);
    this.producer = p;
    this.chunkSize = chunkSize;
    this.bytesTotal = p.size;
  }

  get bytes(): number { return this.producer.bytes; }
  get lines(): number { return this.producer.lines; }

  override _read(): void {
    try {
      const buf = Buffer.allocUnsafe(this.chunkSize);
      const n = this.producer.fill(buf);
      if (n === 0) { this.push(null); return; }
      this.push(buf.subarray(0, n));
      this.emit('progress', { bytesWritten: this.producer.bytes, bytesTotal: this.bytesTotal, lines: this.producer.lines } satisfies GenerateProgress);
    } catch (err) {
      this.destroy(err as Error);
    }
  }
}

/** A Readable of generated lines. Nothing is generated until it is read. */
export function generate(kind: GenerateKind | string, opts: GenerateOptions): GenerateStream {
  return new GenerateStream(kind, opts);
}

/**
 * Writes a dataset to `path`. The file appears complete or not at all: bytes go to `path.partial-PID` first
 * and are renamed on success, removed on failure or abort.
 */
export async function generateToFile(kind: GenerateKind | string, path: string, opts: WriteOptions): Promise<GenerateResult> {
  const { p, chunkSize } = producer(kind, opts);
  const tmp = `${path}.partial-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    // Two buffers: fill one while the other is being written.
    const bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let pending: Promise<unknown> = Promise.resolve();
    for (let i = 0; ; i ^= 1) {
      opts.signal?.throwIfAborted();
      const n = p.fill(bufs[i]);
      await pending;
      if (n === 0) break;
      pending = writeAll(fh, bufs[i], n);
      opts.onProgress?.({ bytesWritten: p.bytes, bytesTotal: p.size, lines: p.lines });
    }
    await fh.close();
    await rename(tmp, path);
    return { bytes: p.bytes, lines: p.lines };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

async function writeAll(fh: import('node:fs/promises').FileHandle, buf: Buffer, n: number): Promise<void> {
  for (let off = 0; off < n;) off += (await fh.write(buf, off, n - off)).bytesWritten;
}

/** true for the errors a writer gets when its reader has gone (EPIPE from `| head`, a destroyed stream). */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

export interface StreamResult extends GenerateResult {
  /** true when the reader went away before the end (EPIPE): not an error for a shell pipeline. */
  closedEarly: boolean;
}

/**
 * Writes a dataset to a Writable (process.stdout for the CLI), waiting for 'drain' whenever write() says so.
 * A reader that goes away ends it quietly with closedEarly: true; other write errors reject. `end` (default:
 * true except for process.stdout/stderr) ends the Writable and waits for 'finish'.
 */
export async function generateToStream(kind: GenerateKind | string, out: Writable, opts: WriteOptions & { end?: boolean }): Promise<StreamResult> {
  const { p, chunkSize } = producer(kind, opts);
  const end = opts.end ?? (out !== process.stdout && out !== process.stderr);
  let failure: Error | null = null;
  const onError = (err: Error) => { failure ??= err; };
  out.on('error', onError);
  const gone = () => failure !== null || out.destroyed || out.writableEnded;
  try {
    while (!gone()) {
      opts.signal?.throwIfAborted();
      const buf = Buffer.allocUnsafe(chunkSize);
      const n = p.fill(buf);
      if (n === 0) break;
      const ok = out.write(buf.subarray(0, n));
      opts.onProgress?.({ bytesWritten: p.bytes, bytesTotal: p.size, lines: p.lines });
      if (!ok && !gone()) await Promise.race([once(out, 'drain'), once(out, 'close')]).catch(() => undefined);
    }
    if (!gone() && end) {
      out.end();
      await Promise.race([once(out, 'finish'), once(out, 'close')]).catch(() => undefined);
    }
  } finally {
    // Keep a listener for late EPIPE errors on stdout so they do not become uncaught exceptions.
    if (out === process.stdout || out === process.stderr) out.on('error', () => undefined);
    out.off('error', onError);
  }
  const closedEarly = failure !== null && isBrokenPipe(failure);
  if (failure !== null && !closedEarly) throw failure;
  return { bytes: p.bytes, lines: p.lines, closedEarly: closedEarly || (out.destroyed && !p.done) };
}
