// Input expansion: paths, globs (plumbing/open-input.ts), and '-' for stdin, which is spooled to the job temp dir so it
// can be split and retried like any file.
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expandGlob, isGlob, isGzip } from '../../plumbing/open-input.ts';

export interface InputFile {
  /** As the user gave it (or as the glob matched it); '-' for stdin. */
  name: string;
  /** The path to read. */
  path: string;
  size: number;
  mtimeMs: number;
  gz: boolean;
}

function statInput(name: string, path: string): InputFile {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT'
      ? `input ${name}: no such file (relative paths start from ${process.cwd()})`
      : `input ${name}: cannot read it (${(err as Error).message})`, { cause: err });
  }
  if (st.isDirectory()) throw new Error(`input ${name}: is a directory; pass the files inside it (e.g. ${join(name, '*')})`);
  if (!st.isFile()) throw new Error(`input ${name}: not a regular file (a FIFO or device cannot be split); pipe it on stdin with '-' instead`);
  return { name, path, size: st.size, mtimeMs: st.mtimeMs, gz: isGzip(path) };
}

/** Expands inputs in order; stdin ('-', at most once) is copied to spoolDir first. The copy stops when
 * signal aborts (SIGINT/SIGTERM while stdin is still open would otherwise wait for an EOF that never comes).
 * `stdin` gives the stream only when '-' is named: process.stdin is made on first use (~2 ms of start-up). */
export async function expandInputs(
  inputs: string[], spoolDir: () => Promise<string>, stdin: () => NodeJS.ReadableStream = () => process.stdin, signal?: AbortSignal,
): Promise<InputFile[]> {
  if (inputs.length === 0) throw new Error('no input: give input files (or - for stdin)');
  if (inputs.filter((i) => i === '-').length > 1) throw new Error("stdin ('-') is named more than once: it can be read only once");
  const files: InputFile[] = [];
  for (const input of inputs) {
    if (input === '-') {
      const path = join(await spoolDir(), 'stdin');
      signal?.throwIfAborted();
      try {
        await pipeline(stdin(), createWriteStream(path, { flags: 'wx', mode: 0o600 }), signal ? { signal } : {});
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOSPC' && code !== 'EDQUOT' && code !== 'EFBIG') throw err;
        // stdin must be copied to be split; say where it went and what to do, not just "ENOSPC … write".
        throw new Error(`disk full (${code}) copying stdin into the job temp dir ${path}: free space there or point tmpDir (or TMPDIR) `
          + 'at a larger disk, or give the input as a file', { cause: err });
      }
      files.push({ ...statInput('-', path), gz: false });
    } else if (isGlob(input)) {
      const matches = await expandGlob(input);
      if (matches.length === 0) throw new Error(`input ${input}: the pattern matches no file`);
      for (const m of matches) files.push(statInput(m, m));
    } else files.push(statInput(input, input));
  }
  return files;
}

