// Opening a file for readChunks with errors that name the path and say what to do.
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

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

export async function openInput(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(path, 'r');
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
