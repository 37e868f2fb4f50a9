// Synchronous line input and byte output on file descriptors, for the Hadoop Streaming commands: a
// reducer's values must be a synchronous iterable that streams from stdin, and block reads/writes on a
// pipe are also the fastest way through. EAGAIN (a non-blocking pipe) waits briefly and retries.
import fs from 'node:fs';
import { LineSplitter, type LineEncoding, type SkippedLine } from '../../../operators/lines/line-splitter.ts';
import { LineTooLongError } from '../../../operators/lines/line-too-long-error.ts';
import { BrokenPipe, describeFsError, failure } from '../errors.ts';
import { sleepSync, writeAllSync } from '../../../plumbing/fd-write.ts';

function readSomeSync(fd: number, buf: Buffer, name: string): number {
  while (true) {
    try {
      return fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') { sleepSync(1); continue; }
      if (code === 'EOF') return 0;
      throw failure(`reading ${describeFsError(err, name)}`);
    }
  }
}

export interface LineLimits {
  /** Longest line accepted, in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** Given: overlong lines are skipped and reported here instead of failing. */
  onSkip?: (line: SkippedLine) => void;
}

/** Pulls lines from a file descriptor (0 = stdin) or a file; knows each line's byte offset and index. */
export class SyncLineReader {
  readonly name: string;
  readonly #fd: number;
  readonly #own: boolean;
  readonly #splitter: LineSplitter;
  readonly #buf = Buffer.allocUnsafe(1 << 20);
  #lines: string[] = [];
  #offsets: number[] = [];
  #pos = 0;
  #done = false;
  /** Offset and 0-based index of the line next() returned last. */
  offset = 0;
  index = -1;

  constructor(input: string | null, encoding: LineEncoding, startOffset = 0, limits: LineLimits = {}) {
    this.name = input === null || input === '-' ? '(stdin)' : input;
    if (input === null || input === '-') { this.#fd = 0; this.#own = false; } else {
      try { this.#fd = fs.openSync(input, 'r'); } catch (err) { throw failure(`cannot read input ${describeFsError(err, input)}`); }
      this.#own = true;
    }
    this.#splitter = new LineSplitter({
      encoding, source: this.name, startOffset, maxLineBytes: limits.maxLineBytes,
      onOverlong: limits.onSkip ? 'skip' : 'error', onSkip: limits.onSkip,
    });
  }

  /** The next line (without its terminator), or null at the end. */
  next(): string | null {
    while (this.#pos === this.#lines.length) {
      if (this.#done) return null;
      this.#lines = [];
      this.#offsets = [];
      this.#pos = 0;
      const onLine = (line: string, off: number): void => { this.#lines.push(line); this.#offsets.push(off); };
      const n = readSomeSync(this.#fd, this.#buf, this.name);
      if (n === 0) {
        this.#done = true;
        this.#splitter.end(onLine);
        if (this.#own) fs.closeSync(this.#fd);
      } else {
        try {
          this.#splitter.write(this.#buf.subarray(0, n), onLine);
        } catch (err) {
          // The splitter's message, as the runtime gives it (in flags: lib/cli/flag-words.ts).
          if (err instanceof LineTooLongError) throw failure(err.message);
          throw err;
        }
      }
    }
    this.offset = this.#offsets[this.#pos];
    this.index++;
    return this.#lines[this.#pos++];
  }

  /** 1-based line number of the last line, or null when reading started mid-file. */
  get lineNumber(): number | null {
    return this.#splitter.lineNumber(this.index);
  }
}

/** Buffered synchronous output to stdout (fd 1) or a file; a closed pipe becomes BrokenPipe. */
export class SyncOutput {
  readonly #fd: number;
  readonly #encoding: BufferEncoding;
  readonly #name: string;
  #parts: string[] = [];
  #length = 0;

  constructor(fd: number, encoding: BufferEncoding, name = 'stdout') {
    this.#fd = fd;
    this.#encoding = encoding;
    this.#name = name;
  }

  write(text: string): void {
    this.#parts.push(text);
    this.#length += text.length;
    if (this.#length >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.#length === 0) return;
    const buf = Buffer.from(this.#parts.join(''), this.#encoding);
    this.#parts = [];
    this.#length = 0;
    try {
      writeAllSync(this.#fd, buf);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw new BrokenPipe();
      throw failure(`writing ${describeFsError(err, this.#name)}`);
    }
  }
}

/**
 * The bytes of one input as chunks read synchronously into one reused buffer (no garbage per chunk; the
 * consumer must copy what it keeps). `path` null = stdin.
 */
export function* readChunksSync(path: string | null, name: string, size = 1 << 20): Generator<Buffer> {
  let fd = 0;
  if (path !== null) {
    try { fd = fs.openSync(path, 'r'); } catch (err) { throw failure(`cannot read input ${describeFsError(err, name)}`); }
  }
  const buf = Buffer.allocUnsafe(size);
  try {
    let n: number;
    while ((n = readSomeSync(fd, buf, name)) > 0) yield buf.subarray(0, n);
  } finally {
    if (path !== null) fs.closeSync(fd);
  }
}
