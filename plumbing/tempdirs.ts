// A process-wide registry of live temp directories (the sorters' and word counters' runs, -o's temp file).
// Every directory made here is removed when its owner disposes it, and at 'exit' if the process ends first.
// On SIGINT/SIGTERM only when the program asked (removeTempDirsOnSignals; the CLI does): a library must not
// take a signal away from the program that uses it. Without asking, a signal ends the process as Node
// would, leaving the directories (mrpipe-* under the temp dir) behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dieOfSignal, onStopSignals } from './signals.ts';

const live = new Set<string>();
let exitInstalled = false;
/** The program asked for cleanup on signals. */
let cleanupOnSignals = false;
/** Set while listening: only while asked, on the main thread (signals go there), with a directory live. */
let stopListening: (() => void) | undefined;

/** Create a fresh directory (mode 0700) under `parent` (default os.tmpdir()) and register it. */
export function makeTempDir(parent: string = os.tmpdir(), prefix = 'mrpipe-'): string {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  fs.chmodSync(dir, 0o700);
  registerTempDir(dir);
  return dir;
}

/** Register a directory made elsewhere so it is removed at exit (and on SIGINT/SIGTERM when asked). */
export function registerTempDir(dir: string): void {
  live.add(dir);
  if (!exitInstalled) {
    exitInstalled = true;
    process.on('exit', removeAllTempDirs);
  }
  listenWhileNeeded();
}

/** Remove a registered directory and everything in it (never throws). */
export function removeTempDir(dir: string): void {
  live.delete(dir);
  listenWhileNeeded();
  try {
    // Retried: a thread still ending may add a file while the tree is removed (ENOTEMPTY).
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
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

/**
 * Opt-in: on SIGINT/SIGTERM remove every registered directory, then end the process by that signal unless
 * another listener (runJob's, the program's own) is there to decide. Listens only while a directory is
 * registered, so a process with none dies of a signal as it would without mrpipe. `false` turns it off.
 *
 * @example
 * removeTempDirsOnSignals();   // Ctrl-C during an externalSort leaves no runs behind
 */
export function removeTempDirsOnSignals(on = true): void {
  cleanupOnSignals = on;
  listenWhileNeeded();
}

function listenWhileNeeded(): void {
  // node:worker_threads only once a dir is registered: loading it costs a command ~2 ms of start-up.
  const needed = cleanupOnSignals && live.size > 0 && process.getBuiltinModule('node:worker_threads').isMainThread;
  if (needed && stopListening === undefined) stopListening = onStopSignals(onSignal);
  else if (!needed && stopListening !== undefined) {
    stopListening();
    stopListening = undefined;
  }
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllTempDirs(); // and stops listening: nothing is left to remove
  dieOfSignal(signal);
}
