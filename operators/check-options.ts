// Option checks made when a stage is built, before any input is read: a bad option is an error naming the
// stage and the option (in API words: `tmpDir`, `memory`), never a raw errno after the input was consumed.
import fs from 'node:fs';
import { DEFAULT_MEMORY } from '../plumbing/sizes.ts';

/** A positive safe integer, else a RangeError naming the stage and the option. */
export function positiveInteger(value: number, stage: string, option: string): number {
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new RangeError(`mrpipe: ${stage}: ${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * A stage's byte budget: DEFAULT_MEMORY when not given, else a number of bytes above 0 (a size string such
 * as '64MB', NaN or a negative number is a RangeError naming the stage, not a budget that never spills).
 */
export function memoryOption(value: number | undefined, stage: string): number {
  if (value === undefined) return DEFAULT_MEMORY;
  if (!(typeof value === 'number' && value > 0 && value <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`mrpipe: ${stage}: memory must be a positive number of bytes (e.g. 64 * 2 ** 20), got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
  return value;
}

/**
 * Why a directory cannot hold temp files (missing, not a directory, not writable), or undefined when it can.
 * The one check behind the operators' `tmpDir` and the CLI's `-T`/`--tmp-dir`.
 */
export function tmpDirProblem(dir: string): string | undefined {
  try {
    const st = fs.statSync(dir);
    if (!st.isDirectory()) return 'not a directory — name a directory for the temporary files';
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such directory — create it or name another one'
      : code === 'ENOTDIR' ? 'not a directory — name a directory for the temporary files'
        : 'not writable — name a directory this user can write to';
  }
}

/** Throws when `tmpDir` is given and cannot hold temp files: at construction, naming the path. */
export function checkTmpDir(tmpDir: string | undefined, stage: string): void {
  if (tmpDir === undefined) return;
  const problem = tmpDirProblem(tmpDir);
  if (problem) {
    throw Object.assign(new Error(`mrpipe: ${stage}: tmpDir ${tmpDir}: ${problem}`), { code: 'ERR_MRPIPE_TMPDIR', path: tmpDir });
  }
}
