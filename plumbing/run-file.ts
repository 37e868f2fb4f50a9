// The fd under a run file's reader or writer: the file itself, or (sort --compress-program=PROG) a pipe
// through PROG — written runs go `PROG < pipe > file`, read runs `PROG -d < file > pipe`. Either way a
// plain blocking fd, so the synchronous readSync/writeSync loops of the run readers and writers do not
// change. Node has no pipe(2) for that: the pipes are FIFOs made beside the run (mkfifo), each end opened
// while an O_RDWR handle keeps the open from blocking, then unlinked. PROG runs under a small sh that
// reports its exit status on a second FIFO, which close() reads to its end: a synchronous wait for PROG.
import fs from 'node:fs';

/** node:child_process, loaded for the first --compress-program only (~3 ms of start-up otherwise). */
const childProcess = () => process.getBuiltinModule('node:child_process');

/** PROG could not run, failed, or was killed: names it (with -d when decompressing) and how it ended. */
export class FilterProgramError extends Error {
  readonly program: string;
  constructor(program: string, decompress: boolean, status: string) {
    const name = `'${program}'${decompress ? ' -d' : ''}`;
    const code = Number.parseInt(status, 10);
    super(status === '' ? `mrpipe: compress program ${name} terminated abnormally`
      : code === 127 ? `mrpipe: couldn't execute compress program ${name}: not found`
        : code === 126 ? `mrpipe: couldn't execute compress program ${name}: permission denied`
          : code > 128 ? `mrpipe: compress program ${name} was killed by signal ${code - 128}`
            : `mrpipe: compress program ${name} failed (exit status ${code})`);
    this.program = program;
  }
}

// "$0" is PROG, "$@" its arguments; fd 3 is the status FIFO, closed for PROG itself.
const WRAPPER = 'command -v "$0" >/dev/null 2>&1 || { echo 127 >&3; exit 127; }\n"$0" "$@" 3>&-\necho $? >&3';

/** An open run: `fd` for readSync/writeSync; close() at its end, abort() on an error, failure() to explain one. */
export class RunFile {
  readonly fd: number;
  private status = -1;
  private closed = false;
  private readonly program: string | undefined;
  private readonly decompress: boolean;

  private constructor(fd: number, status: number, program: string | undefined, decompress: boolean) {
    this.fd = fd;
    this.status = status;
    this.program = program;
    this.decompress = decompress;
  }

  /** A new private (0600, exclusive) run file to write, through `program` when given. */
  static create(file: string, program?: string): RunFile {
    const out = fs.openSync(file, 'wx', 0o600);
    if (program === undefined) return new RunFile(out, -1, undefined, false);
    let p: PipeEnds | undefined;
    try {
      p = pipeEnds(file);
      launch(program, [], p.read, out, p.statusWrite);
    } catch (err) {
      if (p) closeAll(p.write, p.statusRead);
      fs.rmSync(file, { force: true });
      throw err;
    } finally {
      closeAll(out, p?.read, p?.statusWrite);
    }
    return new RunFile(p.write, p.statusRead, program, false);
  }

  /** An existing run file to read, through `program -d` when given. */
  static open(file: string, program?: string): RunFile {
    const input = fs.openSync(file, 'r');
    if (program === undefined) return new RunFile(input, -1, undefined, false);
    let p: PipeEnds | undefined;
    try {
      p = pipeEnds(file);
      launch(program, ['-d'], input, p.write, p.statusWrite);
    } catch (err) {
      if (p) closeAll(p.read, p.statusRead);
      throw err;
    } finally {
      closeAll(input, p?.write, p?.statusWrite);
    }
    return new RunFile(p.read, p.statusRead, program, true);
  }

  /** After the whole run went through: closes, waits for PROG and throws if it failed. */
  close(): void {
    if (!this.closed) {
      this.closed = true;
      fs.closeSync(this.fd);
    }
    const failed = this.wait();
    if (failed) throw failed;
  }

  /** Closes without waiting: an error is already on its way (PROG sees a closed pipe and ends). */
  abort(): void {
    this.abortFd();
    if (this.status >= 0) {
      closeAll(this.status);
      this.status = -1;
    }
  }

  /**
   * The error to report for `err`, raised by I/O on this fd: when PROG failed (a write met a closed pipe,
   * a read found a cut or garbled run), PROG's failure, which says more. Closes the fd when it is a pipe.
   */
  failure(err: unknown): unknown {
    if (this.status < 0) return err;
    this.abortFd();
    return this.wait() ?? err;
  }

  private abortFd(): void {
    if (this.closed) return;
    this.closed = true;
    closeAll(this.fd);
  }

  /** Reads PROG's exit status to the FIFO's end (when the sh wrapper exits): its error, if it failed. */
  private wait(): FilterProgramError | undefined {
    if (this.status < 0) return undefined;
    const buf = Buffer.alloc(64);
    let text = '';
    try {
      for (let n; (n = fs.readSync(this.status, buf, 0, buf.length, null)) > 0;) text += buf.toString('latin1', 0, n);
    } finally {
      fs.closeSync(this.status);
      this.status = -1;
    }
    text = text.trim();
    return text === '0' ? undefined : new FilterProgramError(this.program as string, this.decompress, text);
  }
}

interface PipeEnds { read: number; write: number; statusRead: number; statusWrite: number }

function closeAll(...fds: (number | undefined)[]): void {
  for (const fd of fds) {
    if (fd === undefined) continue;
    try { fs.closeSync(fd); } catch { /* closing what an error left open */ }
  }
}

/**
 * Both ends of a data FIFO and of a status FIFO made beside `file`: an O_RDWR handle is open while the
 * ends are, so no open blocks waiting for the other side. The names are gone when this returns.
 */
function pipeEnds(file: string): PipeEnds {
  const data = `${file}.pipe`;
  const status = `${file}.status`;
  const made = childProcess().spawnSync('mkfifo', ['-m', '600', data, status], { stdio: ['ignore', 'ignore', 'pipe'] });
  const fds: number[] = [];
  const open = (name: string, flags: number): number => {
    const fd = fs.openSync(name, flags);
    fds.push(fd);
    return fd;
  };
  try {
    if (made.error) throw made.error; // EMFILE, EAGAIN: with its code, for the callers that act on it
    if (made.status !== 0) throw new Error(`mrpipe: cannot make a pipe beside ${file} for the compress program: ${made.stderr.toString().trim()}`);
    const rw = open(data, fs.constants.O_RDWR);
    const ends = {
      read: open(data, fs.constants.O_RDONLY),
      write: open(data, fs.constants.O_WRONLY),
      statusWrite: open(status, fs.constants.O_RDWR),
      statusRead: open(status, fs.constants.O_RDONLY),
    };
    fs.closeSync(rw);
    return ends;
  } catch (err) {
    closeAll(...fds);
    throw err;
  } finally {
    fs.rmSync(data, { force: true });
    fs.rmSync(status, { force: true });
  }
}

/** Starts PROG ARGS under the status-reporting wrapper on these fds (the caller closes its copies). */
function launch(program: string, args: string[], stdin: number, stdout: number, status: number): void {
  const child = childProcess().spawn('/bin/sh', ['-c', WRAPPER, program, ...args], { stdio: [stdin, stdout, 'inherit', status] });
  child.on('error', () => { /* the wrapper's status says how PROG ended */ });
  child.unref();
}
