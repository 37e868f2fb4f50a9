// SIGINT, SIGTERM and SIGHUP stop every command cleanly: the temp dir (-T) is left empty, no output dir or lock
// appears, and the exit is non-zero (the signal re-raised: 130/143 or killed by it).
import test from 'ava';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli, debrisBeside, emptyDir, hangBound, inTempDir, partsOf, reap, scale, signalAndWait, signalWhen, sleep, startCli, tree, until,
  wordcountJobFiles, type Exit, type WordcountJobFiles,
} from './helpers.ts';

const stoppedBy = (r: Exit, sig: NodeJS.Signals): boolean =>
  r.signal === sig || r.status === 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[sig];

/**
 * 4000 lines, a SLOW one every 100, and a WAIT line in the last map task: a job blocks there until
 * `<file>.go` exists, so a signal sent once it waits always lands mid-map (sent once the first SLOW line
 * was seen, a job could finish first on a loaded machine, where the test polls late). Tests that signal at
 * chosen moments create `.go` first.
 */
function slowInput(file: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) lines.push(i === 3990 ? 'WAIT' : i % 100 === 0 ? 'SLOW' : `w${i % 97} x${i % 13}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

/** `mrpipe run` of the faulty word count over slowInput, streaming in small tasks on two workers. */
const runArgs = (w: WordcountJobFiles, out: string, ...flags: string[]): string[] =>
  ['run', w.job, w.file, '-o', out, '-T', w.tmp, '--streaming', 'on', '--threshold', '1', '--workers', '2', ...flags];

// SIGHUP (a closed terminal, a dropped ssh session) as SIGTERM: it used to end the process with the lock,
// staging dir and work dir left behind.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${sig} mid-map: mrpipe run stops, removes its temp files and lock, exits non-zero`, (t) => inTempDir(async (dir) => {
    const w = wordcountJobFiles(dir, slowInput);
    const r = await signalWhen(runArgs(w, w.out, '--map-tasks', '8'),
      () => existsSync(`${w.file}.waiting`) && tree(w.tmp).length > 0, 'the map phase', sig);
    t.true(stoppedBy(r, sig), `exit ${r.status} ${r.signal}: ${r.stderr}`);
    t.deepEqual(tree(w.tmp), [], 'temp dir empty');
    t.false(existsSync(w.out), 'no output dir');
    t.deepEqual(debrisBeside(w.out), [], 'no lock or staging dir');
  }));
}

test('SIGTERM while stdin is being spooled: the job stops and the spool is removed', (t) => inTempDir(async (dir) => {
  const tmp = emptyDir(dir);
  const out = join(dir, 'out');
  const run = startCli(['run', 'wordcount', '-', '-o', out, '-T', tmp], { openStdin: true });
  try {
    run.child.stdin!.write('a b c\n'.repeat(200_000));
    await until(() => tree(tmp).some((p) => p.endsWith('/stdin')), 'the spool file in the work dir');
    run.child.kill('SIGTERM');
    // The bound only tells a hang (waiting for the end of stdin, which never comes) from an exit: a loaded
    // 2-core machine once took more than 10 s to let the CLI finish its cleanup.
    const r = await Promise.race([run.done, hangBound(90_000).then(() => undefined)]);
    t.truthy(r, 'the process stopped after SIGTERM, without waiting for the end of stdin');
    if (r) t.true(stoppedBy(r, 'SIGTERM'), `exit ${r.status} ${r.signal}: ${r.stderr}`);
    t.deepEqual(tree(tmp), []);
    t.deepEqual(debrisBeside(out), []);
  } finally {
    await reap(run);
  }
}));

test('SIGTERM at random moments of a job: never a temp file left, OUT absent or complete', (t) => inTempDir(async (dir) => {
  const w = wordcountJobFiles(dir, slowInput);
  writeFileSync(`${w.file}.go`, ''); // signalled at chosen moments: no holding the job
  const args = (out: string): string[] => runArgs(w, out, '--map-tasks', '6', '--reducers', '2', '-q');
  const t0 = Date.now();
  const full = await cli(args(join(dir, 'full')));
  const span = Date.now() - t0;
  t.is(full.status, 0, full.stderr);
  const expected = partsOf(join(dir, 'full'));
  const moments = scale(2, 6);
  for (let i = 0; i < moments; i++) {
    const out = join(dir, `out${i}`);
    const run = startCli(args(out));
    await sleep(Math.floor(((i + 0.5) / moments) * span));
    const r = await signalAndWait(run, 'SIGTERM');
    t.true(r.status === 0 || stoppedBy(r, 'SIGTERM'), `exit ${r.status} ${r.signal}: ${r.stderr}`);
    t.deepEqual(tree(w.tmp), [], `signal ${i}: temp dir empty`);
    t.deepEqual(debrisBeside(out), [], `signal ${i}: no lock or staging dir`);
    if (existsSync(out)) t.true(partsOf(out).equals(expected), `signal ${i}: OUT complete`);
  }
}));

/** Feeds a spilling command on stdin until its runs are on disk, then signals it; checks the cleanup. */
function signalWhileSpilling(t: import('ava').ExecutionContext, cmd: string, flags: string[], sig: NodeJS.Signals): Promise<void> {
  return inTempDir(async (dir) => {
    const tmp = emptyDir(dir);
    const target = join(dir, 'result.txt');
    const run = startCli([cmd, ...flags, '-T', tmp, '-o', target], { openStdin: true });
    try {
      const chunk = Array.from({ length: 20_000 }, (_, i) => `k${(i * 7919) % 20_011} v${i}`).join('\n') + '\n';
      // Until two runs are on disk (bounded at 2 min, a hang): a loaded machine took tens of seconds to start
      // the CLI, and a 30 s bound then failed the test.
      for (let i = 0; i < 2400 && run.child.exitCode === null && tree(tmp).filter((p) => p.includes('/')).length < 2; i++) {
        if (run.child.stdin!.writableLength < 1 << 20) run.child.stdin!.write(chunk);
        await sleep(50);
      }
      t.true(tree(tmp).length > 0, 'spilled something');
      const r = await signalAndWait(run, sig);
      t.true(r.status !== 0, `exit ${r.status} ${r.signal}`);
      t.deepEqual(tree(tmp), [], 'temp dir empty');
      t.deepEqual(readdirSync(dir).sort(), ['tmp'], 'no target and no temp file beside it');
    } finally {
      await reap(run);
    }
  });
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  test(`${sig} while mrpipe sort spills: its runs are removed, -o target not created`, async (t) => {
    await signalWhileSpilling(t, 'sort', ['-S', '64k'], sig);
  });
  test(`${sig} while mrpipe wordcount spills: its runs are removed, -o target not created`, async (t) => {
    await signalWhileSpilling(t, 'wordcount', ['-m', '64k'], sig);
  });
}
