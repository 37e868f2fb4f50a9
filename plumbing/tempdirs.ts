// A process-wide registry of live temp directories. Every directory made here is removed when its owner
// disposes it, and — if the process dies first — at 'exit' and on SIGINT/SIGTERM, after which the signal's
// default behaviour is restored and re-raised (so the process still dies by that signal). The runtime
// reuses this for its job temp directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const live = new Set<string>();
let exitInstalled = false;
let signalsInstalled = false;

/** Create a fresh directory (mode 0700) under `parent` (default os.tmpdir()) and register it. */
export function makeTempDir(parent: string = os.tmpdir(), prefix = 'mrpipe-'): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  fs.chmodSync(dir, 0o700);
  registerTempDir(dir);
  return dir;
}

/** Register a directory made elsewhere so it is removed at exit or on SIGINT/SIGTERM. */
export function registerTempDir(dir: string): void {
  live.add(dir);
  installHandlers();
}

/** Remove a registered directory and everything in it (never throws). */
export function removeTempDir(dir: string): void {
  live.delete(dir);
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: a directory we cannot remove must not hide the error that led here
  }
}

/** Directories currently registered (for tests and diagnostics). */
export function liveTempDirs(): string[] {
  return [...live];
}

/** Remove every registered directory now (the exit and signal handlers call this). */
export function removeAllTempDirs(): void {
  for (const dir of [...live]) removeTempDir(dir);
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllTempDirs();
  // If someone else also listens (e.g. the CLI), it decides what happens next; otherwise behave as if we
  // had never listened: restore the default and re-raise, so the exit status says "killed by SIGINT".
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  signalsInstalled = false;
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (!exitInstalled) {
    exitInstalled = true;
    process.on('exit', removeAllTempDirs);
  }
  // Signals are only delivered to the main thread; a worker's directories are still removed at its exit.
  if (!signalsInstalled && isMainThread) {
    signalsInstalled = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}
