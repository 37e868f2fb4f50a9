// Output safety with real processes: two jobs on one OUT (one wins, the other is refused), a failed job
// leaves no _SUCCESS (and an --overwrite that fails keeps the old OUT), and --overwrite swaps whole
// directories: a reader polling OUT only ever sees the complete old or the complete new result.
import test from 'ava';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cli, debrisBeside, emptyDir, inTempDir, LONG, partsOf, pollWhileRunning, scale, signalAndWait, sleep, startCli, startCliWhen, tree,
} from './helpers.ts';
import { FAULTY_WORDCOUNT, writeJob } from './jobs.ts';

function slowInput(file: string, word: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(i % 100 === 0 ? 'SLOW' : `${word}${i % 89} x${i % 7}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

const RUN = ['--streaming', 'on', '--map-tasks', '6', '--threshold', '1', '--workers', '2', '--reducers', '3', '-q'];

/** `mrpipe run JOB INPUT -o OUT` with the RUN flags, then any more. */
const runArgs = (job: string, input: string, out: string, ...more: string[]): string[] => ['run', job, input, '-o', out, ...RUN, ...more];

/** The faulty word count job in dir and one slow input of `word`s; OUT is dir/out (not created). */
function oneInput(dir: string, word: string): { file: string; job: string; out: string } {
  const file = join(dir, 'in.txt');
  slowInput(file, word);
  return { file, job: writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT), out: join(dir, 'out') };
}

/** For the --overwrite tests: inputs one.txt (old words) and two.txt (new words), the job, and OUT. */
function oldAndNewInputs(dir: string): { one: string; two: string; job: string; out: string } {
  const one = join(dir, 'one.txt');
  slowInput(one, 'old');
  const two = join(dir, 'two.txt');
  slowInput(two, 'new');
  return { one, two, job: writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT), out: join(dir, 'out') };
}

test('two jobs on the same output dir: the second is refused while the first runs, which completes', (t) => inTempDir(async (dir) => {
  const { file, job, out } = oneInput(dir, 'a');
  // The first job blocks on a WAIT line until `.go` exists, so it still holds the lock however long the
  // second takes to start (a fixed slow-down once ran out on a loaded machine).
  writeFileSync(file, 'WAIT\n' + readFileSync(file, 'latin1'), 'latin1');
  const first = await startCliWhen(runArgs(job, file, out), () => existsSync(join(dir, '.out.mrpipe-lock')), 'the first job to take the lock');
  const second = await cli(runArgs(job, file, out));
  t.is(second.status, 1);
  t.regex(second.stderr, new RegExp(`being written by another mrpipe job \\(pid ${first.child.pid}\\)`));
  writeFileSync(`${file}.go`, '');
  const r = await first.done;
  t.is(r.status, 0, r.stderr);
  const ref = join(dir, 'ref');
  await cli(runArgs(job, file, ref));
  t.true(partsOf(out).equals(partsOf(ref)), 'the winner wrote the whole result');
  t.deepEqual(debrisBeside(out), []);
}));

/** Races of two jobs on one OUT: 2 in the default suite, 5 under test:long. */
const RACES = scale(2, 5);

test(`two jobs started together on the same output dir, ${RACES} times: exactly one wins`, (t) => inTempDir(async (dir) => {
  const { file, job } = oneInput(dir, 'b');
  const ref = join(dir, 'ref');
  await cli(runArgs(job, file, ref));
  for (let i = 0; i < RACES; i++) {
    const out = join(dir, `out${i}`);
    const [a, b] = await Promise.all([cli(runArgs(job, file, out)), cli(runArgs(job, file, out))]);
    const winners = [a, b].filter((r) => r.status === 0);
    const losers = [a, b].filter((r) => r.status !== 0);
    t.is(winners.length, 1, `round ${i}: ${a.status} ${a.stderr} / ${b.status} ${b.stderr}`);
    for (const l of losers) {
      t.is(l.status, 1);
      t.regex(l.stderr, /being written by another mrpipe job|already exists/);
    }
    t.true(partsOf(out).equals(partsOf(ref)), `round ${i}: output complete`);
    t.deepEqual(debrisBeside(out), [], `round ${i}: nothing beside OUT`);
  }
}));

test('a failed job leaves no _SUCCESS; a failed --overwrite keeps the old output whole', (t) => inTempDir(async (dir) => {
  const good = join(dir, 'good.txt');
  slowInput(good, 'c');
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, readFileSync(good, 'utf8') + 'BOOM\n');
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  const failed = await cli(runArgs(job, bad, out, '--max-attempts', '1'));
  t.is(failed.status, 1);
  t.false(existsSync(out), 'no OUT at all, so no _SUCCESS');
  t.deepEqual(debrisBeside(out), []);
  t.is((await cli(runArgs(job, good, out))).status, 0);
  const before = partsOf(out);
  const again = await cli(runArgs(job, bad, out, '--max-attempts', '1', '--overwrite'));
  t.is(again.status, 1);
  t.true(partsOf(out).equals(before), 'the old output is untouched');
  t.true(existsSync(join(out, '_SUCCESS')));
  t.deepEqual(debrisBeside(out), []);
}));

/** A consistent look at OUT: its parts if complete and unchanged while read, else undefined. */
function observe(out: string): Buffer | 'absent' | undefined {
  try {
    const ino = statSync(out).ino;
    if (!existsSync(join(out, '_SUCCESS'))) return undefined;
    const parts = partsOf(out);
    return statSync(out).ino === ino ? parts : undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : undefined;
  }
}

test('--overwrite swaps whole results: a reader sees the old or the new output, never a mix', (t) => inTempDir(async (dir) => {
  const { one, two, job, out } = oldAndNewInputs(dir);
  t.is((await cli(runArgs(job, one, out))).status, 0);
  const oldParts = partsOf(out);
  const newRef = join(dir, 'ref');
  t.is((await cli(runArgs(job, two, newRef))).status, 0);
  const newParts = partsOf(newRef);
  // A file inside the old OUT that the new job does not write must go with it.
  writeFileSync(join(out, 'stray'), 'x');
  const run = startCli(runArgs(job, two, out, '--overwrite'));
  const seen = { old: 0, new: 0, absent: 0 };
  await pollWhileRunning(run, 2, () => {
    const o = observe(out);
    if (o === 'absent') seen.absent++;
    else if (o !== undefined) {
      if (o.equals(oldParts)) seen.old++;
      else if (o.equals(newParts)) seen.new++;
      else t.fail('a reader saw a mix of old and new parts');
    }
  });
  t.is((await run.done).status, 0);
  t.true(partsOf(out).equals(newParts));
  t.false(readdirSync(out).includes('stray'), 'nothing of the old OUT is left in the new one');
  t.deepEqual(debrisBeside(out), []);
  t.true(seen.old > 0, JSON.stringify(seen));
  t.log(`reader saw ${JSON.stringify(seen)}`);
}));

test('SIGKILL during --overwrite at random moments: the old or the new output survives whole', (t) => inTempDir(async (dir) => {
  const { one, two, job, out } = oldAndNewInputs(dir);
  const tmp = emptyDir(dir);
  const ref = join(dir, 'ref');
  t.is((await cli(runArgs(job, two, ref))).status, 0);
  const newParts = partsOf(ref);
  // Kill moments 300 + 250·i ms: the first and the third of them (300, 800 ms) by default, all five under test:long.
  for (const i of LONG ? [0, 1, 2, 3, 4] : [0, 2]) {
    t.is((await cli(runArgs(job, one, out, '-T', tmp, '--overwrite'))).status, 0);
    const oldParts = partsOf(out);
    const t0 = Date.now();
    const run = startCli(runArgs(job, two, out, '-T', tmp, '--overwrite'));
    await sleep(300 + i * 250);
    const r = await signalAndWait(run, 'SIGKILL');
    const o = observe(out);
    const whole = o !== undefined && o !== 'absent' && (o.equals(oldParts) || o.equals(newParts));
    t.true(whole || o === 'absent', `kill ${i} after ${Date.now() - t0} ms (${r.signal ?? r.status}): OUT whole or absent`);
    if (o === 'absent') {
      // Killed between the two renames: the old OUT waits aside, and the next run puts it back.
      t.true(debrisBeside(out).some((n) => n.startsWith('.out.mrpipe-old-')), debrisBeside(out).join(' '));
    }
  }
  t.is((await cli(runArgs(job, two, out, '-T', tmp, '--overwrite'))).status, 0);
  t.true(partsOf(out).equals(newParts));
  t.deepEqual(debrisBeside(out), []);
  t.deepEqual(tree(tmp), []);
}));
