// One run of one contender: `bash -c COMMAND` under /usr/bin/time -v (peak RSS: the largest single process
// of the command, as GNU time reports the children's ru_maxrss), wall time by the harness's own clock, stdout
// to a file whose sha256 (after the case's normalize filter) is the output's identity.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  seconds: number;
  /** Peak RSS in bytes. */
  peakRss: number;
  exitCode: number;
  /** sha256 of the normalised stdout. */
  outputHash: string;
  /** First bytes of the normalised output (for mismatch reports). */
  outputHead: string;
  stderrTail: string;
}

export function substitute(command: string, vars: { input: string; tmp: string; node: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return command.replaceAll('{input}', q(vars.input)).replaceAll('{tmp}', q(vars.tmp)).replaceAll('{node}', q(vars.node));
}

function runToFiles(args: string[], cwd: string, stdoutPath: string, stderrPath: string, stdinPath?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    Promise.all([open(stdoutPath, 'w'), open(stderrPath, 'w'), stdinPath ? open(stdinPath, 'r') : null]).then(([out, err, inp]) => {
      const child = spawn(args[0], args.slice(1), { cwd, stdio: [inp ? inp.fd : 'ignore', out.fd, err.fd] });
      const close = () => Promise.all([out.close(), err.close(), inp?.close()]);
      child.on('error', (e) => { void close().then(() => reject(e)); });
      child.on('close', (code, signal) => { void close().then(() => resolve(code ?? (signal ? 128 : 1))); });
    }, reject);
  });
}

async function readHead(path: string, n: number): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function parseTimeV(text: string): { peakRss: number; exitStatus: number | null } {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  const exit = /Exit status: (\d+)/.exec(text);
  return { peakRss: rss ? Number(rss[1]) * 1024 : 0, exitStatus: exit ? Number(exit[1]) : null };
}

export async function runOnce(command: string, input: string, normalize: string | undefined, cwd: string): Promise<RunResult> {
  const work = await mkdtemp(join(tmpdir(), 'mrpipe-bench-'));
  const tmp = await mkdtemp(join(tmpdir(), 'mrpipe-bench-tmp-'));
  try {
    const cmd = substitute(command, { input, tmp, node: process.execPath });
    const timeOut = join(work, 'time'), stdout = join(work, 'stdout'), stderr = join(work, 'stderr');
    const t0 = performance.now();
    const code = await runToFiles(['/usr/bin/time', '-v', '-o', timeOut, 'bash', '-c', cmd], cwd, stdout, stderr);
    const seconds = (performance.now() - t0) / 1000;
    const { peakRss } = parseTimeV(await readFile(timeOut, 'utf8').catch(() => ''));
    let out = stdout;
    if (normalize) {
      out = join(work, 'normalized');
      const ncode = await runToFiles(['bash', '-c', normalize], cwd, out, join(work, 'nerr'), stdout);
      if (ncode !== 0) throw new Error(`normalize filter failed (${ncode}): ${normalize}: ${await readFile(join(work, 'nerr'), 'utf8')}`);
    }
    const head = await readHead(out, 200);
    const err = await readFile(stderr, 'utf8');
    return { seconds, peakRss, exitCode: code, outputHash: await hashFile(out), outputHead: head, stderrTail: err.slice(-2000) };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  }
}
