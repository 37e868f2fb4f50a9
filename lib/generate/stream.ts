// The three ways out of the generator: a Readable, a file (by the -o rules of plumbing/output-target.ts:
// a regular file written under a random temporary name and renamed when complete, a FIFO or device written
// directly; double-buffered so generating overlaps writing), and any Writable with backpressure that ends
// quietly when the reader goes away (`mrpipe generate ... | head`).
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Readable, type Writable } from 'node:stream';
import { describeOutputError, OutputTarget } from '../../plumbing/output-target.ts';
import { LineProducer } from './line-source.ts';
import { DEFAULT_CHUNK_SIZE, lineSource, parseSize, type GenerateKind, type GenerateOptions } from './options.ts';

/** Progress of a generator: bytes and lines written so far, of the total. */
export interface GenerateProgress {
  bytesWritten: number;
  bytesTotal: number;
  lines: number;
}

/** What generateToFile resolves with: the bytes and lines written. */
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

const write = promisify(fs.write);
const close = promisify(fs.close);

/**
 * Writes a dataset to `path`. A regular file appears complete or not at all: bytes go to a temp file beside
 * it (`.NAME.mrpipe-RANDOM.tmp`, created O_EXCL) renamed on success, removed on failure or abort; a
 * symlink is written through, a FIFO or device directly.
 */
export async function generateToFile(kind: GenerateKind | string, path: string, opts: WriteOptions): Promise<GenerateResult> {
  const { p, chunkSize } = producer(kind, opts);
  let target: OutputTarget;
  try { target = await OutputTarget.open(path); } catch (err) {
    throw Object.assign(new Error(`cannot write ${describeOutputError(err, path)}`, { cause: err }), { code: (err as NodeJS.ErrnoException).code });
  }
  const fd = target.fd;
  let open = true;
  let pending: Promise<unknown> = Promise.resolve();
  try {
    // Two buffers: fill one while the other is being written.
    const bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    for (let i = 0; ; i ^= 1) {
      opts.signal?.throwIfAborted();
      const n = p.fill(bufs[i]);
      await pending;
      if (n === 0) break;
      pending = writeAll(fd, bufs[i], n);
      opts.onProgress?.({ bytesWritten: p.bytes, bytesTotal: p.size, lines: p.lines });
    }
    open = false;
    await close(fd);
    target.commit();
    return { bytes: p.bytes, lines: p.lines };
  } catch (err) {
    // Never close the fd under a write still in flight (the number could be reused meanwhile).
    await pending.catch(() => undefined);
    if (open) await close(fd).catch(() => undefined);
    target.abort();
    throw err;
  }
}

async function writeAll(fd: number, buf: Buffer, n: number): Promise<void> {
  for (let off = 0; off < n;) off += (await write(fd, buf, off, n - off)).bytesWritten;
}

/** true for the errors a writer gets when its reader has gone (EPIPE from `| head`, a destroyed stream). */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

const IN_FLIGHT = 4;

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
  // One wake-up for everything the loop may wait on: a write done, 'drain', 'close', 'error'.
  let waiter: (() => void) | null = null;
  const wake = () => { const w = waiter; waiter = null; w?.(); };
  const sleep = () => new Promise<void>((r) => { waiter = r; });
  const onError = (err: Error) => { failure ??= err; wake(); };
  out.on('error', onError);
  out.on('drain', wake);
  out.on('close', wake);
  const gone = () => failure !== null || out.destroyed || out.writableEnded;
  const pool: Buffer[] = [];
  let inFlight = 0;
  try {
    while (!gone()) {
      opts.signal?.throwIfAborted();
      const buf = pool.pop() ?? Buffer.allocUnsafe(chunkSize);
      const n = p.fill(buf);
      if (n === 0) break;
      // A buffer comes back to the pool once written: flat memory, no garbage per chunk. At most IN_FLIGHT
      // buffers are out at once, which also makes the loop yield to the event loop even when every write
      // completes synchronously (a file, /dev/null).
      inFlight++;
      const ok = out.write(buf.subarray(0, n), (err) => {
        inFlight--;
        if (err) failure ??= err; // also one reported after the loop ended (the last chunk's write)
        else pool.push(buf);
        wake();
      });
      opts.onProgress?.({ bytesWritten: p.bytes, bytesTotal: p.size, lines: p.lines });
      while (!gone() && (inFlight >= IN_FLIGHT || (!ok && out.writableNeedDrain))) await sleep();
    }
    // Wait for the writes still out: an error of the last one must not be lost (exit 0 on a full disk).
    while (inFlight > 0 && !gone()) await sleep();
    if (!gone() && end) {
      const finished = new Promise<void>((r) => { out.once('finish', r); out.once('close', r); });
      out.end();
      await finished;
    }
  } finally {
    // Keep a listener for late EPIPE errors on stdout so they do not become uncaught exceptions.
    if (out === process.stdout || out === process.stderr) out.on('error', () => undefined);
    out.off('error', onError);
    out.off('drain', wake);
    out.off('close', wake);
  }
  const closedEarly = failure !== null && isBrokenPipe(failure);
  if (failure !== null && !closedEarly) throw failure;
  return { bytes: p.bytes, lines: p.lines, closedEarly: closedEarly || (out.destroyed && !p.done) };
}
