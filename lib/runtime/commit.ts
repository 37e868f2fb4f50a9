// The output commit protocol. OUT is never written in place: part files go to a staging dir beside OUT
// (same file system, so renames are atomic), each under a temp name renamed when complete; _COUNTERS.json
// then _SUCCESS are written last, and the staging dir is renamed to OUT. A lock file beside OUT
// (.OUT.mrpipe-lock) holds the running job's identity (pid, its start time, host, a random token) and work
// dir: a second job on the same OUT is refused while the first lives, and --resume finds the work dir of a
// killed one through it. Every file made beside OUT has a random name and is created O_EXCL (a planted
// symlink is never followed); dirs there come from mkdtemp.
import {
  chmodSync, closeSync, existsSync, linkSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, renameSync,
  rmSync, writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { randomHex } from '../../plumbing/random-hex.ts';

export interface LockInfo {
  pid: number;
  /** The holder's start time (Linux: boot id and start tick of the pid), so a reused pid is not taken for it. */
  started?: string;
  host?: string;
  /** Random per job: tells this job's lock from any other. */
  token?: string;
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
  /** Who this job is, written into every version of its lock. */
  private readonly me = { pid: process.pid, started: startedAt(process.pid), host: hostname(), token: randomHex(8) };

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
    // The names beside OUT (.OUT.mrpipe-lock.<12 hex>, .OUT.mrpipe-old-XXXXXX) must fit in NAME_MAX (255 bytes).
    const room = 255 - '..mrpipe-lock.123456789abc'.length;
    if (Buffer.byteLength(this.base) > room) {
      throw new Error(`output name ${this.base.slice(0, 24)}… is ${Buffer.byteLength(this.base)} bytes long: mrpipe names its lock and staging dir `
        + `after it, which needs it to be at most ${room} bytes — choose a shorter output`);
    }
    let link = false;
    try { link = lstatSync(this.out).isSymbolicLink(); } catch { /* absent */ }
    if (link && !existsSync(this.out)) {
      throw new Error(`output ${this.out} is a symlink to a missing path: remove the link, or name the output directory itself`);
    }
    if (!existsSync(this.out)) return;
    if (!overwrite) throw new Error(`output ${this.out} already exists: remove it, choose another output, or pass overwrite: true`);
    const why = overwrite === 'force' ? undefined : this.replaceRefusal(inputs);
    if (why !== undefined) {
      throw new Error(`output ${this.out} ${why}: overwrite: true replaces only an earlier mrpipe output (a directory with _SUCCESS); `
        + "choose another output, or pass overwrite: 'force' to replace it anyway");
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
    try {
      return this.takeLock();
    } catch (err) {
      throw besideError(err, this.out, this.parent);
    }
  }

  private takeLock(): LockInfo | undefined {
    let stale: LockInfo | undefined;
    for (let tries = 0; tries < 3; tries++) {
      // Written whole, then linked into place (link fails if the lock exists): a job starting at the same
      // moment never reads a created-but-empty lock, takes it as a dead holder's and wins too.
      const tmp = this.writeAside({ ...this.me });
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
      if (info && info.token !== this.me.token && info.pid !== process.pid && holderAlive(info)) {
        const other = info.host !== undefined && info.host !== this.me.host ? ` on host ${info.host}` : '';
        throw new Error(`output ${this.out} is being written by another mrpipe job (pid ${info.pid}${other}); wait for it or choose another output. `
          + `If no such job runs (its machine restarted, or the lock was copied), the lock is stale: delete ${this.lockPath}`);
      }
      if (info) stale = { ...info, orphans: [...new Set([...dirsOf(stale), ...(info.orphans ?? [])])] };
      // Take over in one step (temp + rename): the new lock names every dir the dead holder had, so a kill
      // at this very moment loses track of nothing.
      this.record({ pid: process.pid, orphans: dirsOf(stale) });
      try {
        if ((JSON.parse(readFileSync(this.lockPath, 'utf8')) as LockInfo).token !== this.me.token) continue; // another job took it
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

  /** Rewrites the lock (atomically: temp + rename) with the current job's dirs, as absolute paths (a
   * --resume from another working directory must find them). */
  record(info: LockInfo): void {
    const abs = (d: string | undefined): string | undefined => (d === undefined ? undefined : resolve(d));
    const tmp = this.writeAside({
      ...info, ...this.me, workDir: abs(info.workDir), stageDir: abs(info.stageDir), orphans: info.orphans?.map((d) => resolve(d)),
    });
    try {
      renameSync(tmp, this.lockPath);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Writes a lock's text to a new file beside it: a random name, created O_EXCL, mode 0600. */
  private writeAside(info: LockInfo): string {
    for (let attempt = 0; ; attempt++) {
      const tmp = `${this.lockPath}.${randomHex(6)}`;
      let fd: number;
      try {
        fd = openSync(tmp, 'wx', 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 8) continue;
        throw err;
      }
      try {
        writeFileSync(fd, JSON.stringify(info));
      } catch (err) {
        rmSync(tmp, { force: true });
        throw err;
      } finally {
        closeSync(fd);
      }
      return tmp;
    }
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
    try {
      return mkdtempSync(join(this.parent, `.${this.base}.mrpipe-out-`));
    } catch (err) {
      throw besideError(err, this.out, this.parent);
    }
  }

  /** Writes the markers and renames the staging dir to OUT (swapping out an old OUT when overwriting). */
  commit(stage: string, counters: unknown, overwrite: boolean | 'force'): void {
    writeFileSync(join(stage, '_COUNTERS.json'), JSON.stringify(counters, null, 2) + '\n');
    writeFileSync(join(stage, '_SUCCESS'), '');
    // mkdtemp made the staging dir 0700; the committed OUT follows the umask like any new dir.
    chmodSync(stage, 0o777 & ~process.umask());
    if (existsSync(this.out)) {
      if (!overwrite) throw new Error(`output ${this.out} appeared while the job ran; refusing to replace it without overwrite: true`);
      const old = mkdtempSync(join(this.parent, `.${this.base}.mrpipe-old-`));
      renameSync(this.out, join(old, 'out'));
      renameSync(stage, this.out);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(stage, this.out);
  }
}

/** An error making the lock or staging dir beside OUT, said in terms of OUT (not of a hidden lock file). */
function besideError(err: unknown, out: string, parent: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = {
    EROFS: 'is on a read-only file system', EACCES: 'is not writable', EPERM: 'is not writable',
    ENOSPC: 'is on a full disk (ENOSPC)', EDQUOT: 'is over its disk quota (EDQUOT)',
  };
  if (code === undefined || !(code in why)) return err;
  return new Error(`output ${out}: its directory ${parent} ${why[code]} — mrpipe writes a lock and a staging dir beside OUT: choose another output`, { cause: err });
}

/**
 * Whether the job that wrote a lock still runs: its pid is alive and, where both are known, started when
 * the lock says (a pid reused by an unrelated process after a crash or a reboot does not hold the lock).
 * A lock from another host cannot be checked from here: it counts as held.
 */
function holderAlive(info: LockInfo): boolean {
  if (info.host !== undefined && info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startedAt(info.pid);
  return info.started === undefined || now === undefined || now === info.started;
}

/** A pid's start as "boot id/start tick" (Linux /proc), or undefined where that cannot be read. */
function startedAt(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the command name, which is in parentheses and may hold spaces.
    const tick = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return tick === undefined ? undefined : `${boot}/${tick}`;
  } catch {
    return undefined;
  }
}
