import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STATUS_MIX } from '../../lib/generate/index.ts';
import { collect, lines } from './helpers.ts';

/** Combined Log Format, strictly: host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "method url proto" status bytes "referer" "agent". */
const CLF = /^(\S+) (\S+) (\S+) \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\S+) (\S+) (HTTP\/[\d.]+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

test('logs: every line is Combined Log Format, timestamps never go back and span several days', async (t) => {
  const ls = lines(await collect('logs', { size: 40_000_000, seed: 11 }));
  let prev = 0;
  const days = new Set<string>();
  const status = new Map<number, number>();
  const windows: number[] = [];
  ls.forEach((l, i) => {
    const m = CLF.exec(l);
    if (!m) { t.fail(`line ${i + 1} is not CLF: ${l}`); return; }
    const ms = Date.UTC(+m[6], MONTHS.indexOf(m[5]), +m[4], +m[7], +m[8], +m[9]);
    if (ms < prev) t.fail(`line ${i + 1} goes back in time`);
    prev = ms;
    days.add(`${m[6]}-${m[5]}-${m[4]}`);
    const s = +m[14];
    status.set(s, (status.get(s) ?? 0) + 1);
    if (s >= 500) windows[Math.floor(i / 1000)] = (windows[Math.floor(i / 1000)] ?? 0) + 1;
  });
  t.true(days.size >= 2, `${days.size} days`);
  const share = (pred: (s: number) => boolean) => [...status].filter(([s]) => pred(s)).reduce((a, [, n]) => a + n, 0) / ls.length;
  const ok = share((s) => s === 200), c4 = share((s) => s >= 400 && s < 500), c5 = share((s) => s >= 500);
  t.log(`${ls.length} lines, ${days.size} days, 200: ${ok.toFixed(3)}, 4xx: ${c4.toFixed(3)}, 5xx: ${c5.toFixed(4)}`);
  // Stated bounds (docs/GENERATOR.md): 200 in [0.78, 0.90], 4xx in [0.04, 0.11], 5xx in [0.005, 0.04].
  t.true(ok >= 0.78 && ok <= 0.9);
  t.true(c4 >= 0.04 && c4 <= 0.11);
  t.true(c5 >= 0.005 && c5 <= 0.04);
  t.true([...status.keys()].every((s) => STATUS_MIX.some(([code]) => code === s)), 'only known status codes');
  // 5xx come in bursts: the worst 1000-line window holds far more than the average.
  const worst = Math.max(...windows.filter((n) => n !== undefined));
  t.true(worst >= 10 * c5 * 1000, `worst window ${worst}, mean ${(c5 * 1000).toFixed(1)}`);
});

test('logs: the malformed option gives about the asked share of lines that are not CLF', async (t) => {
  for (const share of [0.01, 0.1, 0.5]) {
    const ls = lines(await collect('logs', { size: 5_000_000, seed: 12, malformed: share }));
    const bad = ls.filter((l) => !CLF.test(l)).length / ls.length;
    t.log(`asked ${share}, got ${bad.toFixed(4)} of ${ls.length}`);
    t.true(Math.abs(bad - share) < 0.01 + share * 0.1, `asked ${share}, got ${bad}`);
  }
  await t.throwsAsync(collect('logs', { size: 10, malformed: 2 }), { message: /malformed/ });
});

const BIN = fileURLToPath(new URL('../../bin/mrpipe.js', import.meta.url));
const run = promisify(execFile);
const built = existsSync(fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url)));

(built ? test : test.skip)('logs: `mrpipe run logs` parses every generated line; --malformed p gives about p malformed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-gen-logs-'));
  try {
    for (const share of [0, 0.05]) {
      const file = join(dir, `access-${share}.log`);
      await run(process.execPath, [BIN, 'generate', 'logs', '--size', '2000000', '--seed', '21', ...(share ? ['--malformed', String(share)] : []), '-o', file]);
      const n = (await readFile(file, 'latin1')).split('\n').length - 1;
      const { stdout } = await run(process.execPath, [BIN, 'run', 'logs', file], { maxBuffer: 1 << 24 });
      const malformed = Number(/^malformed\t(\d+)$/m.exec(stdout)?.[1] ?? 0);
      const parsed = [...stdout.matchAll(/^status \d{3}\t\{"requests":(\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
      t.log(`malformed ${share}: ${malformed} of ${n} lines`);
      t.is(malformed + parsed, n, 'every line is either counted by status or malformed');
      if (share === 0) t.is(malformed, 0);
      else t.true(Math.abs(malformed / n - share) < 0.01 + share * 0.1, `asked ${share}, got ${malformed / n}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
