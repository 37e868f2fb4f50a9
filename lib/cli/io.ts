// Shell I/O conventions shared by every command: inputs are the files named, or stdin when none or '-';
// data goes to stdout (or -o FILE by the rules of plumbing/output-target.ts: a regular FILE is written aside and
// renamed, so it may also be an input); a reader that goes away (`| head`) ends the command quietly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { isGzip, isGzipDataError, openInputStream } from '../../plumbing/open-input.ts';
import { BrokenPipe, type CliError, describeFsError, failure, isEpipe, usageError } from './errors.ts';
import { readChunksSync } from './streaming/sync-io.ts';
import { checkOutputFile, describeOutputError, OutputTarget } from '../../plumbing/output-target.ts';
import { tmpDirProblem } from '../../operators/check-options.ts';

/** One input: a file path, or null for stdin. */
export interface InputSpec {
  /** The name used in messages ('-' for stdin). */
  name: string;
  path: string | null;
}

/** The inputs named on the command line; none means stdin. */
export function inputSpecs(files: readonly string[]): InputSpec[] {
  const list = files.length === 0 ? ['-'] : files;
  return list.map((f) => ({ name: f === '-' ? '(stdin)' : f, path: f === '-' ? null : f }));
}

/**
 * Whether stdin (0) or stdout (1) was closed when the process started (`<&-`, `>&-`). Node reopens a closed
 * stdio descriptor as /dev/null, read-write, before any JavaScript runs, so the closing cannot be seen
 * directly; a shell's `< /dev/null` opens it read-only and `> /dev/null` write-only. A /dev/null open
 * read-write is therefore taken as closed (as are Python's subprocess.DEVNULL and Node's stdio 'ignore',
 * which open it the same way; discard output with `> /dev/null` or `-o /dev/null`). Linux only (read from
 * /proc); elsewhere never true.
 */
export function closedAtStart(fd: 0 | 1): boolean {
  try {
    if (fs.readlinkSync(`/proc/self/fd/${fd}`) !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    return flags !== null && (parseInt(flags[1], 8) & 0o3) === fs.constants.O_RDWR;
  } catch {
    return false;
  }
}

/** Fails (exit 1) before any input is read when `-o FILE` could not be written (a missing dir, a dangling link into one). */
export async function checkOutput(file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') return;
  try { await checkOutputFile(file); } catch (err) { throw failure(`cannot write ${describeOutputError(err, file)}`); }
}

/** Refuses (exit 2, as GNU tools) to write data to a stdout that was closed: the bytes would be lost. */
export function checkStdout(file: string | undefined): void {
  if ((file === undefined || file === '-') && closedAtStart(1)) {
    throw usageError('stdout is closed (Bad file descriptor): the output would be lost — redirect it (> FILE, or > /dev/null to discard it) or use -o FILE');
  }
}

/** Fails (exit 1) naming the first input that cannot be read, before any output is written. */
export async function checkInputs(specs: readonly InputSpec[]): Promise<void> {
  for (const spec of specs) {
    if (spec.path === null) {
      // A closed stdin is not an empty one (GNU: "Bad file descriptor", exit 2).
      if (closedAtStart(0)) throw usageError('stdin is closed (Bad file descriptor): name the input files, or redirect stdin (< FILE)');
      continue;
    }
    // Sync: two syscalls a file, and no fs.promises to load (~2 ms of start-up) for a run that reads by descriptor.
    try {
      const st = fs.statSync(spec.path);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      fs.accessSync(spec.path, fs.constants.R_OK);
    } catch (err) {
      throw failure(`cannot read input ${describeFsError(err, spec.path)}`);
    }
  }
}

/** The temp dir as messages name it: the flag's, or the system's and where that came from. */
function tempDirLabel(dir: string | undefined, flag: string): string {
  return dir !== undefined ? `${flag} ${dir}` : `the temp dir ${os.tmpdir()} (${process.env.TMPDIR ? 'TMPDIR' : 'the system default'})`;
}

/** What to do about an unusable temp dir. */
function tempDirHint(dir: string | undefined, flag: string, named: string): string {
  return dir !== undefined ? named : `set TMPDIR to a writable directory, or pass ${flag} DIR`;
}

/**
 * Checks the temp dir before any work: it must be an existing, writable directory (usage error, 2). The
 * flag's dir when given; else, when `always` (the command always writes temp files), the system's.
 */
export async function checkTmpDir(dir: string | undefined, flag: string, always = false): Promise<void> {
  if (dir === undefined && !always) return;
  const why = tmpDirProblem(dir ?? os.tmpdir());
  if (why === undefined) return;
  const [problem, fix] = why.split(' — ');
  throw usageError(`${tempDirLabel(dir, flag)}: ${problem} — ${tempDirHint(dir, flag, fix ?? '')}`);
}

/** The directory that will hold the output `out` must take new files. Probed by creating one: access()
 * passes root on /proc and on read-only mounts, where the job would only fail later, at its lock file. */
export async function checkOutputParent(out: string, flag: string): Promise<void> {
  const parent = path.dirname(path.resolve(out));
  const probe = path.join(parent, `.${path.basename(out)}.mrpipe-probe.${process.pid}`);
  try {
    // Removed the moment it exists (two syscalls, no await between): a kill cannot leave it beside OUT.
    const fd = fs.openSync(probe, 'wx', 0o600);
    fs.unlinkSync(probe);
    fs.closeSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // a leftover probe: the directory takes files
    // These the runner says in terms of OUT itself (read-only, full, a name too long for its lock): let it.
    if (code !== undefined && ['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'ENAMETOOLONG'].includes(code)) return;
    if (!fs.existsSync(parent)) throw failure(`${flag} ${out}: the directory ${parent} does not exist — create it first`);
    throw failure(`${flag} ${out}: cannot create files in ${parent} (${code ?? (err as Error).message}) — choose a directory this user can write to`);
  }
}

/**
 * The error for temp files that could not be written in the temp dir (a spill, a sorted run): the dir, and
 * what to do. A dir that is missing or not writable is a usage error (2); a full disk a failure (1).
 */
export function tempDirError(err: unknown, dir: string | undefined, flag: string, what = 'temporary files'): CliError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const label = tempDirLabel(dir, flag);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return failure(`disk full (${code}) writing ${what} in ${label} — free space there, or point ${flag} at a larger disk`);
  }
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return usageError(`cannot write ${what} in ${label} (${code}) — ${tempDirHint(dir, flag, 'name a writable directory')}`);
  }
  return failure(`writing ${what} in ${label}: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * Every chunk of every input, in order; errors name the input. Plain files and stdin are read
 * synchronously into one reused buffer (the consumer must copy what it keeps); .gz through zlib.
 */
export async function* readInputsReusing(specs: readonly InputSpec[], size = 1 << 20, options: { linesApart?: boolean } = {}): AsyncGenerator<Buffer> {
  let last = Date.now();
  let lastByte = LF;
  for (const spec of specs) {
    // linesApart: an input whose last line has no LF gets one before the next input, so that line and the
    // next input's first do not join (each file is a whole number of lines, as for sort, mawk and runJob).
    if (options.linesApart && lastByte !== LF) yield Buffer.from([LF]);
    for await (const chunk of inputChunks(spec, size)) {
      if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
      yield chunk;
      // Let timers (the progress bar) run now and then.
      if (Date.now() - last > 200) { await new Promise((r) => setImmediate(r)); last = Date.now(); }
    }
  }
}

const LF = 0x0a;

function inputChunks(spec: InputSpec, size: number): AsyncIterable<Buffer> | Iterable<Buffer> {
  if (spec.path !== null && isGzip(spec.path)) return readInputs([spec], size);
  if (spec.path === null) return readStdinReusing(size);
  return readChunksSync(spec.path, spec.name, size);
}

/**
 * stdin in chunks read into one reused buffer. The reads are asynchronous (the thread pool waits on the
 * pipe), so the main thread stays free to handle SIGINT/SIGTERM while the writer is slow.
 */
async function* readStdinReusing(size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  while (true) {
    let n: number;
    try {
      n = await new Promise<number>((resolve, reject) => fs.read(0, buf, 0, size, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { await new Promise((r) => setTimeout(r, 2)); continue; }
      if (code === 'EOF') return;
      throw failure(`reading ${describeFsError(err, '(stdin)')}`);
    }
    if (n === 0) return;
    yield buf.subarray(0, n);
  }
}

/** Every chunk of every input, in order; errors name the input. */
export async function* readInputs(specs: readonly InputSpec[], highWaterMark = 1 << 20): AsyncGenerator<Buffer> {
  for (const spec of specs) {
    const stream = openInputStream(spec.path, { highWaterMark });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof BrokenPipe) throw err;
      throw failure(`reading ${describeReadError(err, spec.name)}`);
    }
  }
}

/** describeFsError, plus what to do about a .gz that zlib cannot decompress. */
export function describeReadError(err: unknown, name: string): string {
  if (isGzipDataError(err)) {
    const quoted = /^[\w./+-]+$/.test(name) ? name : `'${name.replaceAll("'", "'\\''")}'`;
    return `${name}: ${(err as Error).message} — the gzip stream is truncated or corrupt (or not gzip at all): check the file (gzip -t ${quoted})`;
  }
  return describeFsError(err, name);
}

const FLUSH_AT = 1 << 16;

/**
 * Buffered output to stdout or a file. write() batches small strings into 64 KiB chunks; it returns false
 * when the destination wants the caller to `await drain()`. A closed stdout pipe turns into BrokenPipe.
 */
export class Output {
  readonly #stream: Writable;
  readonly #encoding: BufferEncoding;
  readonly #name: string;
  readonly #target: OutputTarget | null;
  #parts: string[] = [];
  #length = 0;
  #error: Error | null = null;
  #full = false;

  private constructor(stream: Writable, encoding: BufferEncoding, name: string, target: OutputTarget | null) {
    this.#stream = stream;
    this.#encoding = encoding;
    this.#name = name;
    this.#target = target;
    stream.on('error', (err) => { this.#error = isEpipe(err) ? new BrokenPipe() : err; });
  }

  /** stdout when `file` is undefined or '-'; else FILE opened by OutputTarget's rules (exit 1 if it cannot be). */
  static async open(file: string | undefined, encoding: BufferEncoding = 'utf8'): Promise<Output> {
    if (file === undefined || file === '-') return new Output(process.stdout, encoding, 'stdout', null);
    let target: OutputTarget;
    try { target = await OutputTarget.open(file); } catch (err) { throw failure(`cannot write ${describeOutputError(err, file)}`); }
    const stream = fs.createWriteStream(target.real, { fd: target.fd, highWaterMark: 1 << 20 });
    return new Output(stream, encoding, file, target);
  }

  #check(): void {
    if (this.#error) throw this.#error instanceof BrokenPipe ? this.#error : failure(`writing ${describeFsError(this.#error, this.#name)}`);
  }

  /** Queue text; returns false when the caller should `await drain()` before writing more. */
  write(text: string): boolean {
    this.#parts.push(text);
    this.#length += text.length;
    if (this.#length >= FLUSH_AT) return this.#flush();
    return true;
  }

  /** Queue raw bytes (flushes pending text first to keep the order). */
  writeBytes(buf: Buffer): boolean {
    this.#flush();
    this.#check();
    const ok = this.#stream.write(buf);
    if (!ok) this.#full = true;
    return ok;
  }

  #flush(): boolean {
    this.#check();
    if (this.#length === 0) return !this.#full;
    const text = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    const ok = this.#stream.write(Buffer.from(text, this.#encoding));
    if (!ok) this.#full = true;
    return ok;
  }

  /** Waits until the destination has room again (or has failed). */
  async drain(): Promise<void> {
    this.#flush();
    if (this.#full && !this.#error) {
      await new Promise<void>((resolve) => {
        const done = (): void => { this.#stream.off('drain', done); this.#stream.off('error', done); resolve(); };
        this.#stream.on('drain', done);
        this.#stream.on('error', done);
      });
    }
    this.#full = false;
    this.#check();
  }

  /** Flushes everything; for a file, closes it and puts it in place (a temp file renamed onto FILE). */
  async close(): Promise<void> {
    this.#flush();
    await new Promise<void>((resolve) => {
      if (this.#target === null) {
        // stdout is never ended; wait for the last write to be handed to the OS (or to fail).
        this.#stream.write('', () => resolve());
        this.#stream.once('error', () => resolve());
      } else {
        // 'close' comes after the fd is closed, also after an error: only then is the file complete.
        if (this.#stream.closed) { resolve(); return; }
        this.#stream.once('close', () => resolve());
        this.#stream.end();
      }
    });
    this.#check();
    if (this.#target !== null) {
      try { this.#target.commit(); } catch (err) { throw failure(`writing ${describeFsError(err, this.#name)}`); }
    }
  }

  /** Abandons a file output (a temp file is removed; a FIFO or device is left as is); stdout is left alone. */
  async abort(): Promise<void> {
    if (this.#target === null) return;
    // destroy() closes the fd once a write in flight is done: wait, so the fd is never closed under it.
    if (!this.#stream.closed) {
      await new Promise<void>((resolve) => { this.#stream.once('close', () => resolve()); this.#stream.destroy(); });
    }
    this.#target.abort();
  }
}

/** Runs `body` with an Output, closing it on success and removing a half-written file on failure. */
export async function withOutput<T>(file: string | undefined, encoding: BufferEncoding, body: (out: Output) => Promise<T>): Promise<T> {
  const out = await Output.open(file, encoding);
  try {
    const result = await body(out);
    await out.close();
    return result;
  } catch (err) {
    await out.abort();
    throw err;
  }
}
