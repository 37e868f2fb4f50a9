// Start-up on a small input (issue 13, "Start-up"): shell users run the commands in loops over small files, so
// a one-line input must start no worker thread. A probe loaded with --import reports every Worker made
// (Node's `worker_threads` diagnostics channel); a 3 MiB sort on two threads shows that the probe sees one.
// And wordcount's table is sized to a small input, not to the budget.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, sh, tempDir } from './helpers.ts';
import { counterMemory } from '../../lib/cli/wordcount/count.ts';

const PROBE = `import dc from 'node:diagnostics_channel';
dc.subscribe('worker_threads', () => process.stderr.write('probe: a worker thread started\\n'));
`;

/** Runs the CLI with the probe; returns stdout and whether a worker thread started. */
function withProbe(dir: string, args: string[], input = ''): { stdout: Buffer; status: number | null; stderr: string; worker: boolean } {
  const probe = path.join(dir, 'probe.mjs');
  fs.writeFileSync(probe, PROBE);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, BIN, ...args], {
    input, env: { ...process.env, MRPIPE_NO_PROGRESS: '1', LC_ALL: 'C' }, maxBuffer: 1 << 26,
  });
  const stderr = r.stderr.toString();
  return { stdout: r.stdout, status: r.status, stderr, worker: stderr.includes('probe: a worker thread started') };
}

test('a one-line input starts no worker thread: sort (file, stdin, keys), wordcount, run wordcount, map', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const one = path.join(dir, 'one.txt');
    fs.writeFileSync(one, 'hello world\n');
    const cases: Array<[string[], string, string]> = [
      [['sort', one], '', 'hello world\n'],
      [['sort'], 'hello world\n', 'hello world\n'],
      [['sort', '-k2,2', '-t', ' ', one], '', 'hello world\n'],
      [['wordcount', one], '', 'hello\t1\nworld\t1\n'],
      [['wordcount'], 'hello world\n', 'hello\t1\nworld\t1\n'],
      [['run', 'wordcount', one], '', 'hello\t1\nworld\t1\n'],
      [['map', 'wordcount', one], '', 'hello\t1\nworld\t1\n'],
    ];
    for (const [args, input, expected] of cases) {
      const r = withProbe(dir, args, input);
      t.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      t.is(r.stdout.toString(), expected, args.join(' '));
      t.false(r.worker, `mrpipe ${args.join(' ')} started a worker thread`);
    }
  } finally {
    cleanup();
  }
});

test('the probe sees a worker: a 3 MiB sort under -S 64M on two threads starts one, and equals LC_ALL=C sort', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = path.join(dir, 'in.txt');
    fs.writeFileSync(input, Array.from({ length: 150_000 }, (_, i) => `${(i * 7919) % 150_000} line\n`).join(''));
    const r = withProbe(dir, ['sort', '-S', '64M', '--parallel=2', '-T', dir, input]);
    t.is(r.status, 0, r.stderr);
    t.true(r.worker);
    t.true(r.stdout.equals(sh(`sort '${input}'`)));
  } finally {
    cleanup();
  }
});

test('wordcount sizes its table to small regular files (32 bytes a byte, 16 MiB at least), else takes the budget', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const MiB = 2 ** 20, budget = 256 * MiB;
    const one = path.join(dir, 'one.txt');
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(one, 'hello world\n');
    fs.writeFileSync(big, Buffer.alloc(2 * MiB, 'a b\n'));
    fs.writeFileSync(path.join(dir, 'one.txt.gz'), '');
    const spec = (p: string | null) => ({ name: p ?? '-', path: p });
    t.is(counterMemory([spec(one)], budget), 16 * MiB);
    t.is(counterMemory([spec(one), spec(big)], budget), 32 * (2 * MiB + 12));
    t.is(counterMemory([spec(big)], 8 * MiB), 8 * MiB, 'never above the budget');
    t.is(counterMemory([spec(one), spec(null)], budget), budget, 'stdin: unknown size');
    t.is(counterMemory([spec(path.join(dir, 'one.txt.gz'))], budget), budget, '.gz: unknown size');
    const fifo = path.join(dir, 'fifo');
    sh(`mkfifo '${fifo}'`);
    t.is(counterMemory([spec(fifo)], budget), budget, 'a FIFO: not a regular file');
  } finally {
    cleanup();
  }
});

/** The built-in modules a run loaded, as Node lists them (`NativeModule fs/promises`), from a probe at exit. */
function modulesLoaded(dir: string, args: string[]): { status: number | null; stderr: string; modules: Set<string> } {
  const probe = path.join(dir, 'modules.cjs');
  const list = path.join(dir, 'modules.txt');
  fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`);
  const out = fs.openSync(path.join(dir, 'out.txt'), 'w');
  const err = fs.openSync(path.join(dir, 'err.txt'), 'w');
  const r = spawnSync(process.execPath, ['-r', probe, BIN, ...args], { stdio: ['ignore', out, err], env: { ...process.env, LC_ALL: 'C' } });
  fs.closeSync(out);
  fs.closeSync(err);
  const modules = new Set(fs.readFileSync(list, 'utf8').split('\n').map((m) => m.replace(/^NativeModule /, '')));
  return { status: r.status, stderr: fs.readFileSync(path.join(dir, 'err.txt'), 'utf8'), modules };
}

test('a one-line sort or wordcount, output and stderr to files, loads none of the built-ins it does not use', (t) => {
  // The bundles read Node's built-ins by process.getBuiltinModule, not ESM imports (whose facade reads every
  // export: node:fs's loaded fs/promises with readline), and paths not taken load theirs when taken.
  const { dir, cleanup } = tempDir();
  try {
    const one = path.join(dir, 'one.txt');
    fs.writeFileSync(one, 'hello world\n');
    const unused = ['internal/fs/promises', 'internal/readline/interface', 'internal/fs/dir', 'internal/fs/watchers',
      'net', 'tty', 'worker_threads', 'zlib', 'crypto', 'child_process', 'internal/util/parse_args/parse_args'];
    for (const args of [['sort', one], ['sort', '-k2,2', one], ['wordcount', one]]) {
      const r = modulesLoaded(dir, args);
      t.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      t.deepEqual(unused.filter((m) => r.modules.has(m)), [], `mrpipe ${args.join(' ')}`);
    }
  } finally {
    cleanup();
  }
});
