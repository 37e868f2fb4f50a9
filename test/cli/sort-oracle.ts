// The oracle runs of the sort tests: GNU sort (LC_ALL=C) and mrpipe sort on the same input, given as an
// operand, as `< file` or through a pipe.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { TestFn } from 'ava';
import { BIN, tempDir } from './helpers.ts';
import { LONG } from '../long.ts';

/** fast-check runs of a property that spawns both sorts: `long` under npm run test:long, else a twentieth (≥ min):
 * npm test proves each property on a few inputs, test:long on many seeds. */
export const oracleRuns = (long: number, min = 3): number => (LONG ? long : Math.max(min, Math.ceil(long / 20)));

/** The test file's temp dir: made before its tests, removed after them. */
export interface OracleDir {
  readonly path: string;
  /** Writes one input file (a string as latin1) and returns its path. */
  file(content: Buffer | string): string;
  /** A fresh empty directory (a -T for one run). */
  subdir(): string;
}

export function oracleDir(test: TestFn): OracleDir {
  let dir = '';
  let cleanup = (): void => {};
  let counter = 0;
  test.before(() => ({ dir, cleanup } = tempDir()));
  test.after.always(() => cleanup());
  return {
    get path() { return dir; },
    file(content) {
      const file = path.join(dir, `in-${counter++}.txt`);
      fs.writeFileSync(file, content, typeof content === 'string' ? 'latin1' : undefined);
      return file;
    },
    subdir() {
      const d = path.join(dir, `tmp-${counter++}`);
      fs.mkdirSync(d);
      return d;
    },
  };
}

export interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export type Via = 'operand' | 'redirect' | 'pipe';

/** Runs `cmd args` with the input as an operand (appended), as stdin from the file, or piped. */
export function run(cmd: readonly string[], args: readonly string[], file: string, via: Via): Promise<Run> {
  return new Promise((resolve, reject) => {
    const fd = via === 'redirect' ? fs.openSync(file, 'r') : undefined;
    const child = spawn(cmd[0], [...cmd.slice(1), ...args, ...(via === 'operand' ? [file] : [])], {
      env: { ...process.env, LC_ALL: 'C', MRPIPE_NO_PROGRESS: '1' },
      stdio: [fd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (fd !== undefined) fs.closeSync(fd);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('latin1') }));
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(via === 'pipe' && file !== '' ? fs.readFileSync(file) : '');
    }
  });
}

export const GNU = ['sort'];
export const MRPIPE = [process.execPath, BIN, 'sort'];

