// Where `-o FILE` writes (sort, wordcount, map/combine/reduce, generate). The rules, as GNU sort -o:
// - FILE is resolved first: a symlink is written through (the link stays a link);
// - a FIFO, a device or anything else not a regular file is opened and written directly: renaming over
//   it would replace /dev/null or a named pipe with a plain file;
// - otherwise the bytes go to a temp file beside the real target, renamed onto it once complete, so FILE is
//   complete or untouched (and may also be an input). The temp name has 12 random hex digits and is opened
//   O_EXCL (a planted symlink is never followed); it takes an existing FILE's permission bits at once.
import fs from 'node:fs';
import path from 'node:path';
import { registerTempDir, removeTempDir } from './tempdirs.ts';
import { randomHex } from './random-hex.ts';
import { describeFsError } from './fs-errors.ts';

/** fs.open as a promise of the fd (no node:util: loading it costs a command's start-up ~1 ms). */
const openFd = (file: string, flags: string | number, mode?: number): Promise<number> =>
  new Promise((resolve, reject) => fs.open(file, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))));
/** node:crypto is loaded at the first temp name, not at start-up (~5 ms of a command's start). */
const MAX_LINKS = 40; // as Linux's ELOOP limit
/** The longest FILE name the temp name `.FILE.mrpipe-<12 hex>.tmp` can hold within NAME_MAX (255 bytes). */
const MAX_BASE_FOR_TEMP = 255 - '..mrpipe-123456789abc.tmp'.length;

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The path FILE finally names (symlinks followed, even a dangling last one) and its stat, null when absent. */
async function resolveTarget(file: string): Promise<{ real: string; stat: fs.Stats | null }> {
  let p = file;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    // The directory first: a relative link target is relative to the real directory holding the link.
    p = path.join(await fs.promises.realpath(path.dirname(p)), path.basename(p));
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { real: p, stat: null };
      throw err;
    }
    if (!st.isSymbolicLink()) return { real: p, stat: st };
    p = path.resolve(path.dirname(p), await fs.promises.readlink(p));
  }
  throw errno('ELOOP', 'too many levels of symbolic links');
}

/**
 * Checks, before any work, that FILE could be opened by OutputTarget.open: its real directory exists and
 * is writable, and it is not a directory. Errors are the system's (code set), as open's.
 */
export async function checkOutputFile(file: string): Promise<void> {
  const { real, stat } = await resolveTarget(file);
  if (stat?.isDirectory()) throw errno('EISDIR', 'is a directory');
  if (stat !== null && !stat.isFile()) return; // a FIFO or device: opened as it is
  const dir = path.dirname(real);
  try {
    await fs.promises.access(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw Object.assign(err as Error, { tempDir: dir });
    throw err;
  }
}

/** An open -o destination: write to `fd`, close it, then commit() (or abort() on failure). */
export class OutputTarget {
  /** The name as given (for messages). */
  readonly name: string;
  readonly fd: number;
  /** The temp file being written, renamed onto `real` by commit(); null when writing the target itself. */
  readonly temp: string | null;
  readonly real: string;

  private constructor(name: string, fd: number, temp: string | null, real: string) {
    this.name = name;
    this.fd = fd;
    this.temp = temp;
    this.real = real;
  }

  /**
   * Opens FILE for writing by the rules above. The open of a FIFO waits for a reader (as GNU sort does),
   * on the thread pool, so signals are still handled meanwhile. Errors are the system's (code set).
   */
  static async open(file: string): Promise<OutputTarget> {
    const { real, stat } = await resolveTarget(file);
    if (stat?.isDirectory()) throw errno('EISDIR', 'is a directory');
    if (stat !== null && !stat.isFile()) {
      return new OutputTarget(file, await openFd(real, fs.constants.O_WRONLY | fs.constants.O_NOCTTY), null, real);
    }
    const dir = path.dirname(real);
    for (let attempt = 0; ; attempt++) {
      // Named after FILE, unless that would pass the 255-byte limit of a file name (NAME_MAX).
      const base = path.basename(real);
      const temp = path.join(dir, `${Buffer.byteLength(base) <= MAX_BASE_FOR_TEMP ? `.${base}` : ''}.mrpipe-${randomHex(6)}.tmp`);
      let fd: number;
      try {
        // 'wx' is O_CREAT|O_EXCL: fails on anything already there, a symlink included. 0o666 & ~umask, as any new file.
        fd = await openFd(temp, 'wx', 0o666);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && attempt < 8) continue;
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw Object.assign(err as Error, { tempDir: dir });
        throw err;
      }
      // Removed at exit and on SIGINT/SIGTERM if the command never commits.
      registerTempDir(temp);
      if (stat !== null) {
        // Replacing a file keeps its permission bits (a 0600 file stays 0600), as writing it in place would.
        try { fs.fchmodSync(fd, stat.mode & 0o777); } catch (err) {
          fs.closeSync(fd);
          removeTempDir(temp);
          throw err;
        }
      }
      return new OutputTarget(file, fd, temp, real);
    }
  }

  /** After the fd is closed: puts the complete temp file in place (nothing to do for a FIFO or device). */
  commit(): void {
    if (this.temp === null) return;
    fs.renameSync(this.temp, this.real);
    removeTempDir(this.temp);
  }

  /** After the fd is closed (or while it still is open): removes the temp file; a FIFO or device is left as is. */
  abort(): void {
    if (this.temp !== null) removeTempDir(this.temp);
  }
}

/** A readable message for an error opening `file` as an output. */
export function describeOutputError(err: unknown, file: string): string {
  const { code, tempDir } = (err ?? {}) as { code?: string; tempDir?: string };
  if (tempDir !== undefined && code === 'EROFS') return `${file}: ${tempDir} is on a read-only file system — write somewhere else`;
  if (tempDir !== undefined) {
    return `${file}: cannot create a file in ${tempDir} (${code}) — the output is written aside and renamed; make the directory writable, or redirect stdout (> ${file})`;
  }
  if (code === 'EISDIR') return `${file}: is a directory — name a file to write (e.g. ${path.join(file, 'out.txt')})`;
  if (code === 'ENXIO') return `${file}: cannot be opened for writing (a socket, or a device with nothing behind it)`;
  if (code === 'ELOOP') return `${file}: too many levels of symbolic links — check where the link points`;
  return describeFsError(err, file);
}
