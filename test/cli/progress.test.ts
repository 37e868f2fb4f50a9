// The one progress line (lib/cli/progress.ts): what it shows from real figures, known and unknown totals,
// never NaN/Infinity/`NFs`; silent off a terminal; and drawn on a real pseudo-terminal by `script`.
import test from 'ava';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { formatDuration, formatProgress, progress } from '../../lib/cli/progress.ts';
import { BIN, tempDir } from './helpers.ts';

const MB = 1e6;

test('a known total: bar, percentage, bytes of total, rate and ETA', (t) => {
  const line = formatProgress({ label: 'sort', phase: 'read', unit: 'bytes', done: 88 * MB, total: 286 * MB, seconds: 2 });
  t.is(line, `sort · read [${'█'.repeat(6)}${'░'.repeat(14)}] 30% | 83.9MB of 272.8MB | 42MB/s | ETA 5s | 2s`);
});

test('the first frame of a phase: no rate and no ETA yet (not `ETA NFs`)', (t) => {
  const line = formatProgress({ label: 'sort', phase: 'read', unit: 'bytes', done: 0, total: 286 * MB, seconds: 0 });
  t.is(line, `sort · read [${'░'.repeat(20)}] 0% | 0B of 272.8MB | 0s`);
  const early = formatProgress({ label: 'sort', phase: 'read', unit: 'bytes', done: 1 * MB, total: 286 * MB, seconds: 0.4 });
  t.notRegex(early, /ETA/, 'no ETA in the first second: start-up is not throughput');
});

test('stdin (total unknown): bytes and rate only, no bar, percentage or ETA', (t) => {
  const line = formatProgress({ label: 'run', phase: 'map', unit: 'bytes', done: 76 * MB, total: 0, seconds: 4 });
  t.is(line, 'run · map | 72.5MB | 18.1MB/s | 4s');
});

test('a phase that counts records, and one that only takes time (merge)', (t) => {
  t.is(formatProgress({ label: 'run → out', phase: 'merge + reduce', unit: 'records', done: 1_204_332, total: 0, seconds: 5 }),
    'run → out · merge + reduce | 1,204,332 records | 240,866 records/s | 5s');
  t.is(formatProgress({ label: 'wordcount', phase: 'merge', unit: 'none', done: 0, total: 0, seconds: 3.2 }), 'wordcount · merge | 3s');
});

test('durations: seconds, minutes, hours', (t) => {
  t.deepEqual([0, 4.4, 59.6, 125, 3725].map(formatDuration), ['0s', '4s', '1m00s', '2m05s', '1h02m']);
});

test('never NaN, Infinity or NFs, whatever the figures', (t) => {
  const num = fc.oneof(fc.double(), fc.constantFrom(0, -1, NaN, Infinity, -Infinity, Number.MAX_VALUE, 1e-300));
  fc.assert(fc.property(num, num, num, fc.constantFrom('bytes', 'records', 'none') as fc.Arbitrary<'bytes' | 'records' | 'none'>, (done, total, seconds, unit) => {
    const line = formatProgress({ label: 'x', phase: 'p', unit, done, total, seconds });
    return !/NaN|Infinity|NF|undefined|-\d/.test(line);
  }), { numRuns: 2000 });
  t.pass();
});

/** A stand-in for stderr that records what is written; isTTY as given. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const w = new Writable({ write(c, _e, cb) { written += String(c); cb(); } });
  Object.assign(w, { isTTY, columns: 120 });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => written };
}

test('drawn on a terminal, phase by phase; nothing off one, nor when disabled', (t) => {
  const prev = process.env.MRPIPE_NO_PROGRESS;
  delete process.env.MRPIPE_NO_PROGRESS;
  try {
    const tty = fakeTerminal(true);
    const p = progress('wordcount', 'count', 'bytes', 2048, { stream: tty.stream });
    p.update(1024);
    p.phase('merge');
    p.stop();
    t.regex(tty.text(), /wordcount · count \[░+\] 0% \| 0B of 2KB \| 0s/);
    t.regex(tty.text(), /wordcount · merge \| 0s/);
    for (const [isTTY, enabled] of [[false, true], [true, false]]) {
      const quiet = fakeTerminal(isTTY);
      const q = progress('sort', 'read', 'bytes', 2048, { stream: quiet.stream, enabled });
      q.update(1024);
      q.phase('merge');
      q.stop();
      t.is(quiet.text(), '');
    }
  } finally {
    if (prev !== undefined) process.env.MRPIPE_NO_PROGRESS = prev;
  }
});

// Terminal control sequences (cursor, clear line) between the frames.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[a-zA-Z]|\x1b[78]/g;
const hasScript = spawnSync('script', ['--version']).status === 0;

(hasScript ? test : test.skip)('on a real terminal (script -qc): sort names its read and merge phases, wordcount of stdin shows bytes', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    let s = '';
    for (let i = 0; i < 200_000; i++) s += `line ${(i * 7919) % 200_000}\n`;
    fs.writeFileSync(input, s);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.MRPIPE_NO_PROGRESS;
    const node = `'${process.execPath}' '${BIN}'`;
    const run = (cmd: string): string => {
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8' });
      t.is(r.status, 0, r.stdout);
      return r.stdout.replace(ESCAPES, '');
    };
    const sorted = run(`${node} sort '${input}' -o '${path.join(dir, 'out.txt')}'`);
    t.regex(sorted, /sort · read \[[█░]+\] \d+% \| [\d.]+[KM]?B of [\d.]+MB/);
    t.regex(sorted, /sort · merge \| \d+s/);
    t.notRegex(sorted, /NaN|Infinity|NF/);
    const counted = run(`cat '${input}' | ${node} wordcount > '${path.join(dir, 'counts.txt')}'`);
    t.regex(counted, /wordcount · count \| [\d.]+[KM]?B \| /, 'stdin: bytes, no total');
    t.notRegex(counted, /of |%|ETA|NaN|NF/);
  } finally {
    cleanup();
  }
});
