// The output commit protocol. OUT is never written in place: part files go to a staging dir beside OUT
// (same file system, so renames are atomic), each under a temp name renamed when complete; _COUNTERS.json
// then _SUCCESS are written last, and the staging dir is renamed to OUT. A lock file beside OUT
// (.OUT.mrpipe-lock, created with O_EXCL) holds the running job's pid and work dir: a second job on the
// same OUT is refused while the first lives, and --resume finds the work dir of a killed one through it.
import { chmodSync, existsSync, linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

export interface LockInfo {
  pid: number;
  /** The job temp dir (map outputs, plan) under tmpDir. */
  workDir?: string;
  /** The staging dir beside OUT. */
  stageDir?: string;
  /** The plan's fingerprint (so a resume can tell that an existing OUT is this job's own commit). */
  fingerprint?: string;
  /** Dirs of dead earlier holders not yet reused or deleted (carried from lock to lock until handled). */
  orphans?: string[];
}

/** Every dir a lock names. */
export function dirsOf(info: LockInfo | undefined): string[] {
  if (!info) return [];
  return [info.workDir, info.stageDir, ...(info.orphans ?? [])].filter((d): d is string => typeof d === 'string');
}

export class OutputDir {
  readonly out: string;
  readonly parent: string;
  readonly base: string;
  readonly lockPath: string;
  private locked = false;

  constructor(output: string) {
    this.out = resolve(output);
    this.parent = dirname(this.out);
    this.base = basename(this.out);
    this.lockPath = join(this.parent, `.${this.base}.mrpipe-lock`);
  }

  /**
   * Refuses an existing OUT unless overwrite; with overwrite (not 'force'), refuses an OUT that is not an
   * earlier mrpipe output or that holds the working directory or one of `inputs` (see replaceRefusal).
   */
  checkTarget(overwrite: boolean | 'force', inputs: readonly string[] = []): void {
    if (!existsSync(this.parent)) throw new Error(`output ${this.out}: its parent directory does not exist`);
    if (!existsSync(this.out)) return;
    if (!overwrite) throw new Error(`output ${this.out} already exists: remove it, choose another -o, or pass --overwrite`);
    const why = overwrite === 'force' ? undefined : this.replaceRefusal(inputs);
    if (why !== undefined) {
      throw new Error(`output ${this.out} ${why}: --overwrite replaces only an earlier mrpipe output (a directory with _SUCCESS); `
        + 'choose another -o, or add --force to replace it anyway');
    }
  }

  /**
   * Why replacing the existing OUT would delete something that is not a result: OUT is (or holds) the
   * working directory or an input, or is not an earlier mrpipe output (no _SUCCESS; an empty dir is fine).
   */
  replaceRefusal(inputs: readonly string[]): string | undefined {
    let real: string;
    try { real = realpathSync(this.out); } catch { return undefined; } // a dangling link: nothing to lose
    const inside = (p: string): boolean => p === real || p.startsWith(real.endsWith(sep) ? real : real + sep);
    let cwd: string | undefined;
    try { cwd = realpathSync(process.cwd()); } catch { cwd = undefined; }
    if (cwd !== undefined && inside(cwd)) return cwd === real ? 'is the working directory' : `holds the working directory (${cwd})`;
    for (const input of inputs) {
      let p: string;
      try { p = realpathSync(input); } catch { continue; }
      if (inside(p)) return p === real ? `is the input ${input}` : `holds the input ${input}`;
    }
    if (!lstatSync(real).isDirectory()) return 'is a file, not an earlier mrpipe output';
    const names = readdirSync(real);
    if (names.length > 0 && !names.includes('_SUCCESS')) return 'is not an earlier mrpipe output (it has no _SUCCESS)';
    return undefined;
  }

  /** Takes the lock; returns what a dead previous holder left (for resume or cleanup). */
  lock(): LockInfo | undefined {
    let stale: LockInfo | undefined;
    for (let tries = 0; tries < 3; tries++) {
      // Written whole, then linked into place (link fails if the lock exists): a job starting at the same
      // moment never reads a created-but-empty lock, takes it as a dead holder's and wins too.
      const tmp = `${this.lockPath}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ pid: process.pid } satisfies LockInfo), { mode: 0o600 });
      try {
        linkSync(tmp, this.lockPath);
        this.locked = true;
        return stale;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue; // tmp swept as a dead holder's debris by a job taking over: again
        if (code !== 'EEXIST') throw err;
      } finally {
        rmSync(tmp, { force: true });
      }
      let info: LockInfo | undefined;
      try {
        info = JSON.parse(readFileSync(this.lockPath, 'utf8')) as LockInfo;
      } catch {
        info = undefined; // half-written by a job killed at that moment: stale
      }
      if (info && info.pid !== process.pid && alive(info.pid)) {
        throw new Error(`output ${this.out} is being written by another mrpipe job (pid ${info.pid}); wait for it or choose another -o`);
      }
      if (info) stale = { ...info, orphans: [...new Set([...dirsOf(stale), ...(info.orphans ?? [])])] };
      // Take over in one step (temp + rename): the new lock names every dir the dead holder had, so a kill
      // at this very moment loses track of nothing.
      this.record({ pid: process.pid, orphans: dirsOf(stale) });
      try {
        if ((JSON.parse(readFileSync(this.lockPath, 'utf8')) as LockInfo).pid !== process.pid) continue; // another job took it
      } catch {
        continue;
      }
      this.locked = true;
      this.removeDebris(stale?.stageDir);
      return stale;
    }
    throw new Error(`output ${this.out}: cannot take the lock ${this.lockPath}`);
  }

  /**
   * Deletes what a dead holder of the lock may have left beside OUT: its staging dir, an old OUT moved aside
   * for an overwrite, a half-written lock. Only the lock holder writes these names, so they are all stale.
   */
  private removeDebris(keep?: string): void {
    const prefixes = [`.${this.base}.mrpipe-out-`, `.${this.base}.mrpipe-old-`, `.${this.base}.mrpipe-lock.`];
    for (const name of readdirSync(this.parent)) {
      if (!prefixes.some((p) => name.startsWith(p))) continue;
      const path = join(this.parent, name);
      if (path === keep) continue;
      if (name.startsWith(prefixes[1]) && !existsSync(this.out) && existsSync(join(path, 'out'))) {
        // Killed between moving the old OUT aside and moving the new one in: put the old one back.
        renameSync(join(path, 'out'), this.out);
      }
      rmSync(path, { recursive: true, force: true });
    }
  }

  /** Rewrites the lock (atomically: temp + rename) with the current job's dirs. */
  record(info: LockInfo): void {
    const tmp = `${this.lockPath}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
    renameSync(tmp, this.lockPath);
  }

  unlock(): void {
    if (this.locked) rmSync(this.lockPath, { force: true });
    this.locked = false;
  }

  /** Lets go of the lock but leaves it naming dirs still to be handled; the next job takes them over. */
  release(orphans: string[]): void {
    if (this.locked) this.record({ pid: process.pid, orphans });
    this.locked = false;
  }

  makeStage(): string {
    return mkdtempSync(join(this.parent, `.${this.base}.mrpipe-out-`));
  }

  /** Writes the markers and renames the staging dir to OUT (swapping out an old OUT when overwriting). */
  commit(stage: string, counters: unknown, overwrite: boolean | 'force'): void {
    writeFileSync(join(stage, '_COUNTERS.json'), JSON.stringify(counters, null, 2) + '\n');
    writeFileSync(join(stage, '_SUCCESS'), '');
    // mkdtemp made the staging dir 0700; the committed OUT follows the umask like any new dir.
    chmodSync(stage, 0o777 & ~process.umask());
    if (existsSync(this.out)) {
      if (!overwrite) throw new Error(`output ${this.out} appeared while the job ran; refusing to replace it without --overwrite`);
      const old = mkdtempSync(join(this.parent, `.${this.base}.mrpipe-old-`));
      renameSync(this.out, join(old, 'out'));
      renameSync(stage, this.out);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(stage, this.out);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
