// A real Dask distributed cluster on loopback for the tests: a scheduler and workers, each started in its
// own process group (spawn detached) so that teardown can kill every process it started, nanny, worker
// and their mrpipe children alike. Everything listens on 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pythonCandidates } from '../../lib/dask/driver.ts';

/** The first Python that imports distributed (as submit looks for it), or undefined. */
export function daskPython(): string | undefined {
  return pythonCandidates().find((p) => spawnSync(p, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0);
}

export interface Cluster {
  schedulerFile: string;
  /** tcp://127.0.0.1:PORT */
  address: string;
  /** The temp dir every worker uses (TMPDIR): task dirs land here. */
  workerTmp: string;
  /** Process group ids: [scheduler, worker 1, worker 2, ...]. */
  groups: number[];
  /** Pids of the processes in a group (nanny, worker, their children). */
  pidsOf(group: number): number[];
  stop(): void;
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

function start(python: string, args: string[], log: string, env: NodeJS.ProcessEnv): ChildProcess {
  const fd = fs.openSync(log, 'a');
  const child = spawn(python, args, { detached: true, stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  child.on('error', () => { /* reported by the wait that times out */ });
  return child;
}

export async function startCluster(python: string, dir: string, workers = 2): Promise<Cluster> {
  const schedulerFile = path.join(dir, 'scheduler.json');
  const workerTmp = path.join(dir, 'worker-tmp');
  fs.mkdirSync(workerTmp);
  const children: ChildProcess[] = [];
  const groups: number[] = [];
  const cluster: Cluster = {
    schedulerFile, address: '', workerTmp, groups,
    pidsOf: (g) => spawnSync('ps', ['-o', 'pid=', '-g', String(g)], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim() !== '').map(Number),
    stop: () => {
      for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch { /* gone already */ } }
    },
  };
  try {
    const sched = start(python, ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', '0',
      '--dashboard-address', '127.0.0.1:0', '--scheduler-file', schedulerFile], path.join(dir, 'scheduler.log'), process.env);
    children.push(sched);
    groups.push(sched.pid as number);
    cluster.address = await waitFor('the scheduler file', () => {
      try { return (JSON.parse(fs.readFileSync(schedulerFile, 'utf8')) as { address: string }).address; } catch { return undefined; }
    });
    const logs: string[] = [];
    for (let i = 1; i <= workers; i++) {
      const log = path.join(dir, `worker-${i}.log`);
      logs.push(log);
      const w = start(python, ['-m', 'distributed.cli.dask_worker', '--scheduler-file', schedulerFile, '--host', '127.0.0.1',
        '--nthreads', '1', '--dashboard-address', '127.0.0.1:0', '--local-directory', path.join(dir, `worker-${i}-space`)],
      log, { ...process.env, TMPDIR: workerTmp });
      children.push(w);
      groups.push(w.pid as number);
    }
    for (const log of logs) {
      await waitFor(`${log} to say Registered`, () => (fs.readFileSync(log, 'utf8').includes('Registered to:') ? true : undefined));
    }
    return cluster;
  } catch (err) {
    cluster.stop();
    const tail = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => `${f}:\n${fs.readFileSync(path.join(dir, f), 'utf8').slice(-2000)}`);
    throw new Error(`${(err as Error).message}\n${tail.join('\n')}`, { cause: err });
  }
}

/** Listening TCP sockets (local address:port) of the given pids, from `ss -ltnp`. */
export function listenersOf(pids: number[]): string[] {
  const out = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' }).stdout;
  const found: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\S+\s+\d+\s+\d+\s+(\S+)\s+\S+\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const owners = [...m[2].matchAll(/pid=(\d+)/g)].map((x) => Number(x[1]));
    if (owners.some((p) => pids.includes(p))) found.push(m[1]);
  }
  return found;
}
