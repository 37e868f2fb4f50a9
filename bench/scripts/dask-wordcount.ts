// Word count on a 2-worker Dask cluster on loopback: starts the scheduler and two workers (1 thread each),
// runs `mrpipe submit --engine dask wordcount INPUT -o TMP/out --reducers 2`, then reads what every cluster
// process cost from /proc (CPU seconds, VmHWM = peak RSS) before stopping it. Each mrpipe task runs under
// /usr/bin/time, so the task processes' CPU and peak RSS are counted too.
// Usage: node bench/scripts/dask-wordcount.ts INPUT TMP  → the report on stderr and appended to
// bench/data/dask-wordcount-processes.txt; the parts stay in TMP/out.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { daskPython, startCluster } from '../../test/dask/cluster.ts';

const [input, tmp] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'mrpipe.js');
const TICK = 100; // clock ticks per second (USER_HZ)

interface Cost { name: string; cpu: number; hwm: number }

/** A process's own CPU seconds (utime + stime) and VmHWM in bytes, from /proc. */
function costOf(pid: number, name: string): Cost | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) / TICK;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { name, cpu, hwm: hwm ? Number(hwm[1]) * 1024 : 0 };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '); } catch { return ''; }
}

const python = daskPython();
if (!python) throw new Error('no Python with distributed (apt-get install python3-distributed)');
const dir = fs.mkdtempSync(path.join(tmp, 'cluster-'));
const cluster = await startCluster(python, dir);
const tasks = path.join(dir, 'tasks.time');
const report: string[] = [];
try {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', path.join(dir, 'submit.time'), process.execPath, bin, 'submit', '--engine', 'dask',
    '--scheduler', cluster.address, 'wordcount', input, '-o', path.join(tmp, 'out'), '--reducers', '2', '-q',
    '--task-command', `/usr/bin/time -a -o ${tasks} -f %U,%S,%M ${process.execPath} ${bin}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`submit exited ${r.status}`);
  const [, su, ss, sm] = fs.readFileSync(path.join(dir, 'submit.time'), 'utf8').trim().split(/\s+/).map(Number);
  const costs: Cost[] = [{ name: 'mrpipe submit + Python driver', cpu: su + ss, hwm: sm * 1024 }];
  cluster.groups.forEach((g, i) => {
    for (const pid of cluster.pidsOf(g)) {
      const line = cmdline(pid);
      const kind = /dask_worker/.test(line) ? 'nanny' : /resource_tracker/.test(line) ? 'resource tracker' : /spawn_main|forkserver/.test(line) ? 'worker' : 'other';
      const role = i === 0 ? 'scheduler' : `worker ${i} ${kind}`;
      const c = costOf(pid, `${role} (pid ${pid})`);
      if (c) costs.push(c);
    }
  });
  const lines = fs.readFileSync(tasks, 'utf8').trim().split('\n').filter((l) => /^[\d.]+,[\d.]+,\d+$/.test(l));
  const t = lines.map((l) => l.split(',').map(Number));
  costs.push({ name: `mrpipe task processes (${t.length}; peak = the largest)`, cpu: t.reduce((a, [u, s]) => a + u + s, 0), hwm: Math.max(...t.map((x) => x[2] * 1024)) });
  const size = fs.statSync(input).size;
  report.push(`${new Date().toISOString()} ${(size / 2 ** 20).toFixed(0)} MiB, load ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ')}: submit wall ${wall.toFixed(1)} s, CPU ${costs.reduce((a, c) => a + c.cpu, 0).toFixed(1)} s in all`);
  for (const c of costs) report.push(`  ${c.name}: CPU ${c.cpu.toFixed(1)} s, peak RSS ${(c.hwm / 2 ** 20).toFixed(0)} MiB`);
} finally {
  cluster.stop();
}
const text = `${report.join('\n')}\n`;
process.stderr.write(text);
fs.mkdirSync(path.join(root, 'bench', 'data'), { recursive: true });
fs.appendFileSync(path.join(root, 'bench', 'data', 'dask-wordcount-processes.txt'), text);
