// Spawning the Python Dask driver (integrations/dask/driver.py): the plan goes in as JSON on stdin, JSON
// lines come back on stdout (task events, then the result). The first Python that has `distributed` is
// used: options.python or $MRPIPE_PYTHON, else python3 then /usr/bin/python3 (Debian's python3-distributed
// lives in the system Python, which a pyenv or venv python3 earlier in PATH does not see).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counters } from '../job/types.ts';

/** What the driver needs: everything is decided here, nothing about the job is left to Python. */
export interface DriverPlan {
  scheduler?: string;
  schedulerFile?: string;
  connectTimeout: number;
  maxAttempts: number;
  reducers: number;
  /** argv prefix that runs mrpipe on a worker. */
  command: string[];
  /** The job as mrpipe arguments (name or path, inline flags, -D). */
  job: string[];
  /** Flags for every task (--memory, --bad-records, --max-line-bytes). */
  taskFlags: string[];
  /** Extra environment for the task processes. */
  env: Record<string, string>;
  /** Absolute path of each part file, in the staging dir. */
  parts: string[];
  splits: { path: string; start: number; end: number | 'EOF' }[];
}

export interface DriverResult {
  counters: Counters[];
}

/** Python or `distributed` is missing here: a usage problem (exit 2), with what to install. */
export class EngineUnavailableError extends Error {}

/** The directory holding mrpipe's package.json (the same from lib/ in source and dist/lib/ when built). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'integrations'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mrpipe package root (integrations/dask/driver.py)');
    dir = up;
  }
  return dir;
}

export function driverPath(): string {
  return join(packageRoot(), 'integrations', 'dask', 'driver.py');
}

/** Pythons to try, in order. */
export function pythonCandidates(python?: string): string[] {
  const chosen = python ?? process.env.MRPIPE_PYTHON;
  return chosen ? [chosen] : ['python3', '/usr/bin/python3'];
}

interface Attempt {
  /** 'missing': no such python or no distributed in it. */
  status: 'missing' | 'done';
  why?: string;
  result?: { ok: boolean; error?: string; counters?: Counters[]; task?: string };
  stderr?: string;
  code?: number | null;
}

function attempt(python: string, plan: DriverPlan, signal: AbortSignal | undefined, onTask?: (t: string) => void): Promise<Attempt> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [driverPath()], { stdio: ['pipe', 'pipe', 'pipe'] });
    let lines = '';
    let last: Attempt['result'];
    let stderr = '';
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      lines += d;
      let nl;
      while ((nl = lines.indexOf('\n')) >= 0) {
        const line = lines.slice(0, nl);
        lines = lines.slice(nl + 1);
        let msg: any;
        try { msg = JSON.parse(line); } catch { continue; }
        if (msg.event === 'done') onTask?.(msg.task);
        else last = msg;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-8192); });
    child.stdin.on('error', () => { /* the driver died first: reported by its exit */ });
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      if (err.code === 'ENOENT' || err.code === 'EACCES') resolvePromise({ status: 'missing', why: `${python}: not found` });
      else reject(err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) { reject(signal.reason); return; }
      if (code === 3) { resolvePromise({ status: 'missing', why: `${python}: no module distributed` }); return; }
      resolvePromise({ status: 'done', result: last, stderr, code });
    });
    child.stdin.end(JSON.stringify(plan));
  });
}

/** Runs the driver; resolves with every task's counters, rejects with the failing task's message. */
export async function runDriver(plan: DriverPlan, o: { python?: string; signal?: AbortSignal; onTask?: (t: string) => void }): Promise<DriverResult> {
  const tried: string[] = [];
  for (const python of pythonCandidates(o.python)) {
    o.signal?.throwIfAborted();
    const a = await attempt(python, plan, o.signal, o.onTask);
    if (a.status === 'missing') { tried.push(a.why as string); continue; }
    const r = a.result;
    if (r?.ok) return { counters: r.counters ?? [] };
    if (r?.error !== undefined) {
      throw new Error(r.task ? `task ${r.task} failed (${plan.maxAttempts} attempts on Dask): ${r.error}` : r.error);
    }
    throw new Error(`the Dask driver (${python}) ended with status ${a.code} and no result: ${a.stderr?.trim() || 'no message'}`);
  }
  throw new EngineUnavailableError(`--engine dask needs Python 3 with Dask's distributed module on this machine (${tried.join('; ')}). `
    + "Install it: apt-get install python3-distributed (Debian/Ubuntu) or pip install distributed, the same version as the cluster's; "
    + 'or name the Python that has it with --python PATH (MRPIPE_PYTHON).');
}
