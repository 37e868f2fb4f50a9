// Signals belong to the program: runJob and the operators never listen for SIGINT/SIGTERM or end the
// process unless asked (the CLI asks; see test/reliability/signals.test.ts and test/shuffle/process.test.ts).
import test from 'ava';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../runtime/helpers.ts';

const CHILD = fileURLToPath(new URL('./fixtures/own-sigint.ts', import.meta.url));

interface Exit { code: number | null; signal: string | null; stdout: string; stderr: string }

/** Runs the fixture; `onReady` is called once when it prints READY, with its stdin. */
function runChild(args: string[], onReady?: (stdin: NodeJS.WritableStream) => void): Promise<Exit> {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    if (onReady && stdout.includes('READY\n')) { onReady(child.stdin); onReady = undefined; }
  });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  if (!onReady) child.stdin.end();
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

test('externalSort: a SIGINT after a spill is the program\'s; the sort finishes and cleans up after itself', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const r = await runChild(['sort', dir]);
  t.is(r.code, 0, r.stderr);
  t.is(r.signal, null);
  t.deepEqual(lastJson(r.stdout), { interrupts: 1, spilled: true, lines: 40_000, sorted: true });
  t.deepEqual(readdirSync(dir), [], 'the spill dir went when the sort ended');
});

test('runJob: a SIGINT while the job runs is the program\'s; the job finishes and the process lives', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const out = join(dir, 'out');
  const r = await runChild(['job', out], (stdin) => stdin.end('b a\na\n'));
  t.is(r.code, 0, r.stderr);
  t.is(r.signal, null);
  t.deepEqual(lastJson(r.stdout), { interrupts: 1, parts: ['part-00000'] });
  t.is(readFileSync(join(out, 'part-00000'), 'utf8'), 'a\t2\nb\t1\n');
});
