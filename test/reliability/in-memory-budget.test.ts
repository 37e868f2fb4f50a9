// --streaming off (the forced in-memory path) keeps the job's byte budget: once what it holds passes
// --memory, the job fails (exit 1) with a message naming --memory and the streaming modes, and leaves no
// output, staging dir, lock or temp dir behind; within the budget it runs as before.
import test from 'ava';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mrpipe, tempDir } from '../cli/helpers.ts';

test('--streaming off past --memory: exit 1 naming --memory and --streaming auto/on, nothing left behind', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, 'in.txt');
    // 60,000 distinct words (~500 KB): some 10 MB held in a Map, past a 4 MB budget.
    writeFileSync(input, Array.from({ length: 60_000 }, (_, i) => `word${i}\n`).join(''));
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const out = join(dir, 'out');
    const r = await mrpipe(['run', 'wordcount', input, '-o', out, '--streaming', 'off', '--memory', '4MB', '--workers', '1', '-T', tmp]);
    t.is(r.status, 1, r.stderr);
    t.regex(r.stderr, /--memory/);
    t.regex(r.stderr, /--streaming auto or on/);
    t.false(existsSync(out), 'no output dir');
    t.deepEqual(readdirSync(dir).filter((n) => n.includes('.mrpipe-')), [], 'no lock or staging dir');
    t.deepEqual(readdirSync(tmp), [], 'no work dir');
    // The same job within the budget, and the same input streamed under the small one, both run.
    const fits = await mrpipe(['run', 'wordcount', input, '--streaming', 'off', '--memory', '64MB', '--workers', '1']);
    t.is(fits.status, 0, fits.stderr);
    const streamed = await mrpipe(['run', 'wordcount', input, '--streaming', 'auto', '--memory', '4MB', '--workers', '1']);
    t.is(streamed.status, 0, streamed.stderr);
    t.true(streamed.stdout.equals(fits.stdout));
  } finally {
    cleanup();
  }
});
