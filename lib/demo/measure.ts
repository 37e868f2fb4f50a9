// Runs one command in a child process and measures wall time and peak RSS honestly: GNU time's
// ru_maxrss of the child when /usr/bin/time exists, else VmHWM sampled from /proc (Linux) every 20 ms.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  /** Peak RSS in bytes (0 when it could not be measured). */
  peakRss: number;
  /** User + system CPU seconds of the child (null without GNU time): the work done, whatever the load. */
  cpuSeconds: number | null;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export async function measure(argv: string[], cwd: string): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const work = await mkdtemp(join(tmpdir(), 'mrpipe-demo-time-'));
  const timeFile = join(work, 'rss');
  const full = useTime ? [GNU_TIME, '-f', '%M %x %U %S', '-o', timeFile, ...argv] : argv;
  try {
    const t0 = performance.now();
    const child = spawn(full[0], full.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr = (stderr + s).slice(-8000); });
    let polled = 0;
    const poll = useTime ? null : setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => {
        const m = /VmHWM:\s+(\d+) kB/.exec(s);
        if (m) polled = Math.max(polled, Number(m[1]) * 1024);
      }, () => undefined);
    }, 20);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    if (poll) clearInterval(poll);
    const seconds = (performance.now() - t0) / 1000;
    let peakRss = polled, exitCode = code, sig: string | null = signal, cpuSeconds: number | null = null;
    if (useTime) {
      // GNU time appends "Command terminated by signal N" / "Command exited with non-zero status N" lines
      // to its -o file before the formatted line.
      const text = await readFile(timeFile, 'utf8').catch(() => '');
      const last = text.trim().split('\n').at(-1) ?? '';
      const m = /^(\d+) (-?\d+) ([\d.]+) ([\d.]+)$/.exec(last);
      if (m) { peakRss = Number(m[1]) * 1024; cpuSeconds = Number(m[3]) + Number(m[4]); }
      const bySignal = /terminated by signal (\d+)/.exec(text);
      if (bySignal) { sig = `signal ${bySignal[1]}`; exitCode = null; }
    }
    return { seconds, peakRss, cpuSeconds, exitCode, signal: sig, stderr };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
