// Runs npm scripts side by side (`node scripts/run-parallel.ts typecheck lint`): `npm test` checks types and
// lints at once, as the two are independent. Each script's output goes through as it comes; the exit code is
// 0 only when every script exited 0, so a failure of either fails `npm test`.
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
const npm = process.env.npm_execpath;
const codes = await Promise.all(scripts.map((name) => new Promise<number>((resolve) => {
  // Under npm, npm_execpath is npm's own CLI script: run it with this node, as npm itself would.
  const child = npm === undefined
    ? spawn('npm', ['run', '--silent', name], { stdio: 'inherit', shell: process.platform === 'win32' })
    : spawn(process.execPath, [npm, 'run', '--silent', name], { stdio: 'inherit' });
  child.on('error', (err) => { console.error(`${name}: ${err.message}`); resolve(1); });
  child.on('exit', (code, signal) => {
    if (code !== 0) console.error(`${name} failed (${signal ?? `exit ${code}`})`);
    resolve(code ?? 1);
  });
})));
process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
