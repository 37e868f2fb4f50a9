// Shared helpers for the reliability tests: the real CLI (bin/mrpipe.js on the built dist/) in real child
// processes, real temp dirs, GNU oracles, and checks that nothing was left behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULTY_WORDCOUNT, writeJob } from './jobs.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'mrpipe.js');
/** Long variants (bigger inputs, more kills, longer fuzzing) run only with MRPIPE_LONG_TESTS=1. */
export { LONG, scale } from '../long.ts';

if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'main.js'))) {
  throw new Error('dist/ is missing: run `npm run build` before the reliability tests (npm test does it)');
}

export interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface CliOptions {
  /** Bytes for stdin (default: none, stdin closed at once). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Shell commands run before exec-ing the CLI (ulimit, umask, trap), through bash. */
  prelude?: string;
  /** Leave stdin open and unwritten (the test writes or ends it): proves a command failed before reading it. */
  openStdin?: boolean;
}

/** A CLI started by startCli: the child, and its exit once it has exited and its pipes closed. */
export interface Run {
  child: ChildProcess;
  done: Promise<Exit>;
}

/** Starts `mrpipe ...args` in its own process; `done` resolves when it has exited and its pipes closed. */
export function startCli(args: string[], o: CliOptions = {}): Run {
  const env = { ...process.env, MRPIPE_NO_PROGRESS: '1', LC_ALL: 'C', ...o.env };
  const child = o.prelude === undefined
    ? spawn(process.execPath, [BIN, ...args], { cwd: o.cwd ?? ROOT, env })
    : spawn('bash', ['-c', `${o.prelude}\nexec "$@"`, 'bash', process.execPath, BIN, ...args], { cwd: o.cwd ?? ROOT, env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.stdin!.on('error', () => {});
  if (o.input !== undefined) child.stdin!.end(o.input);
  else if (!o.openStdin) child.stdin!.end();
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
  return { child, done };
}

/** Runs `mrpipe ...args` to the end. */
export function cli(args: string[], o: CliOptions = {}): Promise<Exit> {
  return startCli(args, o).done;
}

/**
 * Starts `mrpipe ...args` and resolves once ready(child) holds. Waits as long as the CLI runs (a loaded
 * machine can take many seconds to get there); if the CLI exits first, or never gets there, throws with its
 * exit and stderr (killing it in the second case).
 */
export async function startCliWhen(args: string[], ready: (child: ChildProcess) => boolean, what: string, o: CliOptions = {}): Promise<Run> {
  const run = startCli(args, o);
  const running = isRunning(run);
  try {
    await until(() => ready(run.child) || !running(), what);
  } catch (err) {
    await reap(run);
    throw err;
  }
  if (!ready(run.child)) {
    const r = await run.done;
    throw new Error(`the CLI exited (${r.signal ?? r.status}) before ${what}: ${r.stderr}`);
  }
  return run;
}

/** Sends `sig` to a running CLI and resolves to its exit. */
export function signalAndWait(run: Run, sig: NodeJS.Signals): Promise<Exit> {
  run.child.kill(sig);
  return run.done;
}

/** Starts `mrpipe ...args`, waits until ready(child) holds, sends `sig`, and resolves to the exit. */
export async function signalWhen(args: string[], ready: (child: ChildProcess) => boolean, what: string, sig: NodeJS.Signals, o: CliOptions = {}): Promise<Exit> {
  return signalAndWait(await startCliWhen(args, ready, what, o), sig);
}

/** SIGKILLs a CLI if it is still running (nothing once it has exited) and resolves to its exit: for finally blocks. */
export function reap(run: Run): Promise<Exit> {
  return signalAndWait(run, 'SIGKILL');
}

/** Runs `mrpipe ...args` to the end, SIGKILLed if it is still running after `ms`. */
export async function cliKilledAfter(ms: number, args: string[], o: CliOptions = {}): Promise<Exit> {
  const run = startCli(args, o);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** A function telling whether a CLI is still running (its exit not yet collected). */
export function isRunning(run: Run): () => boolean {
  let running = true;
  void run.done.then(() => { running = false; }, () => { running = false; });
  return () => running;
}

/**
 * Calls poll() every `ms` while the CLI runs, until it exits or poll() returns false (stop looking);
 * resolves to whether it is still running.
 */
export async function pollWhileRunning(run: Run, ms: number, poll: () => boolean | void): Promise<boolean> {
  const running = isRunning(run);
  while (running()) {
    if (poll() === false) break;
    await sleep(ms);
  }
  return running();
}

/** Runs a bash script with LC_ALL=C and returns stdout; throws on a non-zero status. */
export function sh(script: string, env: NodeJS.ProcessEnv = {}): Buffer {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, LC_ALL: 'C', ...env }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${script}\nexited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Quotes a string for bash. */
export function q(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** The GNU word count oracle, as mrpipe prints it: word<TAB>count lines in byte order. */
export function gnuWordCount(file: string): Buffer {
  return sh(`tr -s ' \\t\\n\\v\\f\\r' '\\n' < ${q(file)} | grep -av '^$' | sort | uniq -c | awk '{print $2 "\\t" $1}' || true`);
}

/** The lines of a command's output sorted in byte order, empty ones dropped. */
export function byteSortedLines(b: Buffer): string[] {
  return b.toString('latin1').split('\n').filter((l) => l !== '').sort();
}

/** gnuWordCount's lines in byte order: compared with sortedLines(OUT), whatever the partitioning. */
export function gnuWordCountLines(file: string): string[] {
  return byteSortedLines(gnuWordCount(file));
}

/** GNU sort of a file (LC_ALL=C, byte order): the oracle for mrpipe sort. */
export function gnuSort(file: string): Buffer {
  return sh(`sort ${q(file)}`);
}

/** A fresh temp dir (mkdtemp under os.tmpdir()), removed by cleanup. */
export function tempDir(prefix = 'mrpipe-rel-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs fn with a fresh temp dir, removed afterwards whether fn passes or throws. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  try {
    return await fn(dir);
  } finally {
    cleanup();
  }
}

/** Creates dir/name as an empty directory (a -T the test checks is left empty); returns its path. */
export function emptyDir(dir: string, name = 'tmp'): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p);
  return p;
}

/** The files of a typical job test in one temp dir. */
export interface WordcountJobFiles {
  /** dir/in.txt, the input. */
  file: string;
  /** dir/wc.mjs, the FAULTY_WORDCOUNT job. */
  job: string;
  /** dir/tmp, an empty dir for -T. */
  tmp: string;
  /** dir/out, the output dir (not created). */
  out: string;
}

/** Lays out a job test in dir: the input written by writeInput, the faulty word count job, an empty -T dir. */
export function wordcountJobFiles(dir: string, writeInput: (file: string) => void): WordcountJobFiles {
  const file = path.join(dir, 'in.txt');
  writeInput(file);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  return { file, job, tmp: emptyDir(dir), out: path.join(dir, 'out') };
}

/** Every path under dir (relative, sorted), directories included. Walked one dir at a time, skipping a
 * dir removed meanwhile: tests poll it while a job deletes its task dirs (a recursive readdirSync throws
 * ENOENT then). */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel ? path.join(dir, rel) : dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out.sort();
}

/** The part files of an output dir, concatenated in part order. */
export function partsOf(out: string): Buffer {
  const names = fs.readdirSync(out).filter((n) => n.startsWith('part-')).sort();
  return Buffer.concat(names.map((n) => fs.readFileSync(path.join(out, n))));
}

/** Lines of all parts sorted in byte order: output independent of how keys were partitioned. */
export function sortedLines(out: string): string[] {
  return byteSortedLines(partsOf(out));
}

/** Entries beside OUT that a job uses internally (lock, staging dir, old OUT aside). */
export function debrisBeside(out: string): string[] {
  const base = path.basename(out);
  return fs.readdirSync(path.dirname(out)).filter((n) => n.startsWith(`.${base}.`));
}

/**
 * Waits until cond() holds, polling every 10 ms. The deadline only catches a hang (below ava's 5 min): a
 * process waited on can take tens of seconds to get anywhere on a loaded 2-core machine, so a condition
 * that can also end otherwise (the CLI exits) says so in cond, as startCliWhen does.
 */
export async function until(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves after `ms`, as a bound raced against a process that should stop: its timer does not hold the test
 * process open once the tests are done (a held 90 s timer kept signals.test.ts alive 70 s past its last test).
 */
export const hangBound = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
