// Spawning the real CLI (bin/mrpipe.js on the built dist/) and the GNU oracles, with real temp dirs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'mrpipe.js');

if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'main.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
  throw new Error('dist/ is missing: run `npm run build` before the CLI tests (npm test does it)');
}

export interface Result {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs `mrpipe ...args` with `input` on stdin. */
export function mrpipe(args: string[], input: string | Buffer = '', env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, MRPIPE_NO_PROGRESS: '1', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs a shell pipeline (bash) and returns its stdout; throws on a non-zero status. */
export function sh(script: string, env: NodeJS.ProcessEnv = {}): Buffer {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, LC_ALL: 'C', MRPIPE_NO_PROGRESS: '1', ...env }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${script}\nexited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The shell words that run the CLI, for pipelines. */
export const MRPIPE = `'${process.execPath}' '${BIN}'`;

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-cli-test-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
