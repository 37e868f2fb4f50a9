// The README's quick-start code, run for real: if an example there stops working, this fails.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { readChunks, pipe, splitLines, map, filter, joinLines, externalSort, countWords, wordCountLines } from '../../operators/index.ts';
import { runJob } from '../../lib/index.ts';

const text = ['the quick brown fox jumps over the lazy dog and then some more words here', 'short line',
  'b a', 'zeta alpha', '', 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'].join('\n') + '\n';

test('1. in code: the fused per-line pipeline', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'big.log'), text);
  await pipeline(
    readChunks(join(dir, 'big.log')),
    pipe(splitLines(), map((l: string) => l.split(' ')), filter((w) => w.length > 10),
      map((w) => w.join(' ').toUpperCase())),
    joinLines(),
    createWriteStream(join(dir, 'out.txt')),
  );
  const expected = text.split('\n').filter((l) => l.split(' ').length > 10).map((l) => l.toUpperCase() + '\n').join('');
  t.is(await readFile(join(dir, 'out.txt'), 'utf8'), expected);
});

test('1. in code: a job file run by runJob', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.txt'), text);
  await writeFile(join(dir, 'wordcount.ts'), `
export default {
  name: 'wordcount',
  map(line: string, emit: (k: string, v: number) => void) { for (const w of line.split(/\\s+/)) if (w) emit(w, 1); },
  reduce: 'sum',
};
`);
  const result = await runJob(join(dir, 'wordcount.ts'), { inputs: [join(dir, '*.txt')], output: join(dir, 'out'), memory: '256MB', handleSignals: false });
  t.true(result.parts.length >= 1);
  const parts = (await Promise.all(result.parts.map((p: string) => readFile(join(dir, 'out', p), 'utf8')))).join('');
  const oracle = execFileSync('bash', ['-c', `LC_ALL=C tr -s ' ' '\\n' < a.txt | grep -v '^$' | LC_ALL=C sort | uniq -c | awk '{print $2"\\t"$1}'`], { cwd: dir, encoding: 'utf8' });
  t.is(parts.split('\n').filter(Boolean).sort().join('\n'), oracle.split('\n').filter(Boolean).sort().join('\n'));
  t.is(await readFile(join(dir, 'out', '_SUCCESS'), 'utf8').then(() => 'committed', () => 'missing'), 'committed');
});

test('3. one operator: externalSort in a plain pipeline equals LC_ALL=C sort', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(`${(i * 7919) % 1000} line ${i % 13}\xe9${i % 5 === 0 ? '\r' : ''}`);
  await writeFile(join(dir, 'huge.txt'), lines.join('\n') + '\n', 'latin1');
  await pipeline(
    readChunks(join(dir, 'huge.txt')),
    splitLines({ encoding: 'latin1', keepCR: true }),
    externalSort({ memory: 16 * 1024, tmpDir: dir, encoding: 'latin1', threads: true }),
    joinLines({ encoding: 'latin1' }),
    createWriteStream(join(dir, 'sorted.txt')),
  );
  const oracle = execFileSync('sort', [join(dir, 'huge.txt')], { env: { ...process.env, LC_ALL: 'C' } });
  t.true((await readFile(join(dir, 'sorted.txt'))).equals(oracle));
});

test('3. one operator: countWords + wordCountLines equal tr | sort | uniq -c', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(`w${(i * 7919) % 3001} x${i % 7}\tv${(i * 31) % 499}`);
  await writeFile(join(dir, 'huge.txt'), lines.join('\n') + '\n');
  // A 64 KiB budget instead of the README's 64 MB, so the words spill and merge.
  await pipeline(readChunks(join(dir, 'huge.txt')), countWords({ memory: 64 * 1024, tmpDir: dir }), wordCountLines(),
    createWriteStream(join(dir, 'counts.txt')));
  const oracle = execFileSync('bash', ['-c', `LC_ALL=C tr -s ' \\t' '\\n' < huge.txt | LC_ALL=C sort | uniq -c | awk '{print $2"\\t"$1}'`], { cwd: dir, encoding: 'utf8' });
  t.is(await readFile(join(dir, 'counts.txt'), 'utf8'), oracle);
});
