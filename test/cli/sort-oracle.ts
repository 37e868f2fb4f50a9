// The oracle runs of the sort tests: GNU sort (LC_ALL=C) and mrpipe sort on the same input, given as an
// operand, as `< file` or through a pipe.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { BIN } from './helpers.ts';

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

