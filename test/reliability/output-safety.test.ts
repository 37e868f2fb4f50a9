// Output safety with real processes: two jobs on one OUT (one wins, the other is refused), a failed job
// leaves no _SUCCESS (and an --overwrite that fails keeps the old OUT), and --overwrite swaps whole
// directories: a reader polling OUT only ever sees the complete old or the complete new result.
import test from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, debrisBeside, partsOf, sleep, startCli, tempDir, tree, until } from './helpers.ts';
import { FAULTY_WORDCOUNT, writeJob } from './jobs.ts';

function slowInput(file: string, word: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(i % 100 === 0 ? 'SLOW' : `${word}${i % 89} x${i % 7}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

const RUN = ['--streaming', 'on', '--map-tasks', '6', '--threshold', '1', '--workers', '2', '--reducers', '3', '-q'];

test('two jobs on the same output dir: the second is refused while the first runs, which completes', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    slowInput(file, 'a');
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const out = join(dir, 'out');
    const first = startCli(['run', job, file, '-o', out, ...RUN]);
    await until(() => existsSync(join(dir, '.out.mrpipe-lock')), 'the first job to take the lock');
    const second = await cli(['run', job, file, '-o', out, ...RUN]);
    t.is(second.status, 1);
    t.regex(second.stderr, new RegExp(`being written by another mrpipe job \\(pid ${first.child.pid}\\)`));
    const r = await first.done;
    t.is(r.status, 0, r.stderr);
    const ref = join(dir, 'ref');
    await cli(['run', job, file, '-o', ref, ...RUN]);
    t.true(partsOf(out).equals(partsOf(ref)), 'the winner wrote the whole result');
    t.deepEqual(debrisBeside(out), []);
  } finally {
    cleanup();
  }
});

test('two jobs started together on the same output dir, 5 times: exactly one wins', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    slowInput(file, 'b');
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const ref = join(dir, 'ref');
    await cli(['run', job, file, '-o', ref, ...RUN]);
    for (let i = 0; i < 5; i++) {
      const out = join(dir, `out${i}`);
      const [a, b] = await Promise.all([cli(['run', job, file, '-o', out, ...RUN]), cli(['run', job, file, '-o', out, ...RUN])]);
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
  } finally {
    cleanup();
  }
});

test('a failed job leaves no _SUCCESS; a failed --overwrite keeps the old output whole', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const good = join(dir, 'good.txt');
    slowInput(good, 'c');
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, readFileSync(good, 'utf8') + 'BOOM\n');
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const out = join(dir, 'out');
    const failed = await cli(['run', job, bad, '-o', out, ...RUN, '--max-attempts', '1']);
    t.is(failed.status, 1);
    t.false(existsSync(out), 'no OUT at all, so no _SUCCESS');
    t.deepEqual(debrisBeside(out), []);
    t.is((await cli(['run', job, good, '-o', out, ...RUN])).status, 0);
    const before = partsOf(out);
    const again = await cli(['run', job, bad, '-o', out, ...RUN, '--max-attempts', '1', '--overwrite']);
    t.is(again.status, 1);
    t.true(partsOf(out).equals(before), 'the old output is untouched');
    t.true(existsSync(join(out, '_SUCCESS')));
    t.deepEqual(debrisBeside(out), []);
  } finally {
    cleanup();
  }
});

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

test('--overwrite swaps whole results: a reader sees the old or the new output, never a mix', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const one = join(dir, 'one.txt');
    slowInput(one, 'old');
    const two = join(dir, 'two.txt');
    slowInput(two, 'new');
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const out = join(dir, 'out');
    t.is((await cli(['run', job, one, '-o', out, ...RUN])).status, 0);
    const oldParts = partsOf(out);
    const newRef = join(dir, 'ref');
    t.is((await cli(['run', job, two, '-o', newRef, ...RUN])).status, 0);
    const newParts = partsOf(newRef);
    // A file inside the old OUT that the new job does not write must go with it.
    writeFileSync(join(out, 'stray'), 'x');
    const run = startCli(['run', job, two, '-o', out, ...RUN, '--overwrite']);
    let exited = false;
    void run.done.then(() => { exited = true; });
    const seen = { old: 0, new: 0, absent: 0 };
    while (!exited) {
      const o = observe(out);
      if (o === 'absent') seen.absent++;
      else if (o !== undefined) {
        if (o.equals(oldParts)) seen.old++;
        else if (o.equals(newParts)) seen.new++;
        else t.fail('a reader saw a mix of old and new parts');
      }
      await sleep(2);
    }
    t.is((await run.done).status, 0);
    t.true(partsOf(out).equals(newParts));
    t.false(readdirSync(out).includes('stray'), 'nothing of the old OUT is left in the new one');
    t.deepEqual(debrisBeside(out), []);
    t.true(seen.old > 0, JSON.stringify(seen));
    t.log(`reader saw ${JSON.stringify(seen)}`);
  } finally {
    cleanup();
  }
});

test('SIGKILL during --overwrite at random moments: the old or the new output survives whole', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const one = join(dir, 'one.txt');
    slowInput(one, 'old');
    const two = join(dir, 'two.txt');
    slowInput(two, 'new');
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const out = join(dir, 'out');
    const ref = join(dir, 'ref');
    t.is((await cli(['run', job, two, '-o', ref, ...RUN])).status, 0);
    const newParts = partsOf(ref);
    for (let i = 0; i < 5; i++) {
      t.is((await cli(['run', job, one, '-o', out, '-T', tmp, ...RUN, '--overwrite'])).status, 0);
      const oldParts = partsOf(out);
      const t0 = Date.now();
      const run = startCli(['run', job, two, '-o', out, '-T', tmp, ...RUN, '--overwrite']);
      await sleep(300 + i * 250);
      run.child.kill('SIGKILL');
      const r = await run.done;
      const o = observe(out);
      const whole = o !== undefined && o !== 'absent' && (o.equals(oldParts) || o.equals(newParts));
      t.true(whole || o === 'absent', `kill ${i} after ${Date.now() - t0} ms (${r.signal ?? r.status}): OUT whole or absent`);
      if (o === 'absent') {
        // Killed between the two renames: the old OUT waits aside, and the next run puts it back.
        t.true(debrisBeside(out).some((n) => n.startsWith('.out.mrpipe-old-')), debrisBeside(out).join(' '));
      }
    }
    t.is((await cli(['run', job, two, '-o', out, '-T', tmp, ...RUN, '--overwrite'])).status, 0);
    t.true(partsOf(out).equals(newParts));
    t.deepEqual(debrisBeside(out), []);
    t.deepEqual(tree(tmp), []);
  } finally {
    cleanup();
  }
});
