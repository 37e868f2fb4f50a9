// Opening inputs, one way for every reader: a file as a handle (readChunks) or as a byte stream (the CLI,
// the runtime's .gz and JSON reads), stdin as '-', the one rule for globs (isGlob, expandGlob) and the one
// for compressed input (isGzip).
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

const GLOB_CHARS = /[*?[{]/;

/** A name is a glob when it has glob characters (* ? [ {) and no file of that very name exists. */
export function isGlob(name: string): boolean {
  if (!GLOB_CHARS.test(name)) return false;
  try {
    fs.statSync(name);
    return false;
  } catch {
    return true;
  }
}

/** The paths a glob matches (fs.glob), in byte order as `LC_ALL=C ls` lists them; [] when none. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const out: string[] = [];
  for await (const p of fs.promises.glob(pattern)) out.push(p);
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** The one rule for compressed input: a name ending in .gz (any case) is read through gunzip. */
export function isGzip(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** True for zlib's errors on data that is truncated, corrupt or not gzip at all. */
export function isGzipDataError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR';
}

export interface InputStreamOptions {
  /** Bytes per read of the file (default 1 MiB). */
  highWaterMark?: number;
  /** Bytes per decompressed chunk of a .gz (default 64 KiB). */
  chunkSize?: number;
}

/** The bytes of one input: stdin for null or '-'; a file, decompressed on the way when isGzip(path). */
export function openInputStream(path: string | null, options: InputStreamOptions = {}): Readable {
  if (path === null || path === '-') return process.stdin;
  const raw = fs.createReadStream(path, { highWaterMark: options.highWaterMark ?? 1 << 20 });
  if (!isGzip(path)) return raw;
  // node:zlib is loaded for the first .gz only: ~3 ms of start-up.
  const gunzip = process.getBuiltinModule('node:zlib').createGunzip({ chunkSize: options.chunkSize ?? 1 << 16 });
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * An input that cannot be read (missing, a directory, no permission): `code` and `path` set, and a message
 * that names the file and says what to do.
 */
export class InputError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(path: string, code: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'InputError';
    this.code = code;
    this.path = path;
  }
}

/** Opens a file to read by handle; errors are InputErrors that name the path and say what to do. */
export async function openInput(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    // fs.promises is read here, not imported: loading it (with readline, Dir, the watchers) is ~2 ms of a
    // start-up that reads its files by descriptor.
    handle = await fs.promises.open(path, 'r');
  } catch (err) {
    throw describeOpenError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw new InputError(path, 'EISDIR',
        `${path}: is a directory, not a file. Pass the files inside it (e.g. ${path}/*) instead.`);
    }
    return { handle, size: stat.isFile() ? stat.size : Infinity };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function describeOpenError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  switch (code) {
    case 'ENOENT':
      return new InputError(path, code,
        `${path}: no such file. Check the path (relative paths start from ${process.cwd()}).`, err);
    case 'EISDIR':
      return new InputError(path, code,
        `${path}: is a directory, not a file. Pass the files inside it (e.g. ${path}/*) instead.`, err);
    case 'EACCES':
    case 'EPERM':
      return new InputError(path, code, `${path}: permission denied. Make the file readable for this user.`, err);
    default:
      return new InputError(path, code, `${path}: cannot open (${code}): ${(err as Error).message}`, err);
  }
}
