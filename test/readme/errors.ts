// The first hour's errors: a stage checks its options when it is built (a missing tmpDir names the path
// before any input is read), and each caller hears its own words — `overwrite: true` from the API,
// `--overwrite` from the CLI.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { aggregate, countWords, externalSort, joinLines, readChunks, sortLines, splitLines } from '../../operators/index.ts';
import { runJob } from '../../lib/index.ts';
import { flagWords } from '../../lib/cli/flag-words.ts';
import { mrpipe } from '../cli/helpers.ts';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrpipe-errors-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a missing tmpDir is an error when the stage is built, naming the path; no input is read', async (t) => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'scratch');
  for (const [name, build] of [
    ['externalSort', () => externalSort({ tmpDir: missing })],
    ['sortLines', () => sortLines({ tmpDir: missing })],
    ['countWords', () => countWords({ tmpDir: missing })],
    ['aggregate', () => aggregate('sum', { tmpDir: missing })],
  ] as const) {
    const err = t.throws(build, undefined, name) as Error & { code?: string; path?: string };
    t.is(err.message, `mrpipe: ${name}: tmpDir ${missing}: no such directory — create it or name another one`);
    t.is(err.code, 'ERR_MRPIPE_TMPDIR');
    t.is(err.path, missing);
  }
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, '');
  t.throws(() => externalSort({ tmpDir: file }), { message: /tmpDir .*file: not a directory/ });

  // The README's example: the pipeline fails before readChunks reads a byte (it was a raw ENOENT … mkdtemp
  // after the whole input had been read).
  const input = path.join(dir, 'huge.txt');
  fs.writeFileSync(input, 'b\na\n'.repeat(50_000));
  const source = readChunks(input);
  let bytesRead = 0;
  source.on('progress', (p: { bytesRead: number }) => { bytesRead = p.bytesRead; });
  await t.throwsAsync(async () => pipeline(source, splitLines({ encoding: 'latin1' }),
    externalSort({ memory: 2 ** 20, tmpDir: missing, encoding: 'latin1' }), joinLines({ encoding: 'latin1' }),
    fs.createWriteStream(path.join(dir, 'sorted.txt'))), { message: /tmpDir .*scratch: no such directory/ });
  source.destroy();
  t.is(bytesRead, 0);
});

test('runJob speaks options (overwrite: true), the CLI speaks flags (--overwrite)', async (t) => {
  const dir = tempDir(t);
  const input = path.join(dir, 'in.txt');
  fs.writeFileSync(input, 'a b a\n');
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const api = await t.throwsAsync(runJob('wordcount', { inputs: [input], output: out }));
  t.regex(api.message, /already exists: remove it, choose another output, or pass overwrite: true$/);
  t.false(api.message.includes('--'), 'no flags in an API message');
  const cli = await mrpipe(['run', 'wordcount', input, '-o', out]);
  t.is(cli.status, 1);
  t.regex(cli.stderr, /already exists: remove it, choose another -o, or pass --overwrite/);
  t.false(cli.stderr.includes('overwrite: true'), 'no option names in a CLI message');
});

test('a job that is not found: the message says which file was looked for and where relative paths start', async (t) => {
  const err = await t.throwsAsync(runJob('./no-such-job.ts', { inputs: ['-'], output: '-' }));
  t.is(err.message, `job "./no-such-job.ts" not found: no file ${path.resolve('no-such-job.ts')} (relative paths start from ${process.cwd()}); `
    + 'give a job file path or a recipe name (mrpipe recipes lists them)');
  const name = await t.throwsAsync(runJob('wordcont', { inputs: ['-'], output: '-' }));
  t.regex(name.message, /no file .*wordcont .* and no recipe of that name/);
});

test('flagWords: each option phrase the library uses becomes its flag', (t) => {
  t.is(flagWords('refusing to replace it without overwrite: true'), 'refusing to replace it without --overwrite');
  t.is(flagWords('(16 MiB per worker); raise memory or lower workers [task map-0]'), '(16 MiB per worker); raise --memory or lower --workers [task map-0]');
  t.is(flagWords('the open-file limit is too low for workers: 3; raise ulimit -n or lower workers'),
    'the open-file limit is too low for --workers 3; raise ulimit -n or lower --workers');
  t.is(flagWords('Free space there or point tmpDir (or TMPDIR) at a larger disk'), 'Free space there or point -T / --tmp-dir (or TMPDIR) at a larger disk');
  t.is(flagWords('wait for it or choose another output'), 'wait for it or choose another -o');
  t.is(flagWords('in memory, the whole output'), 'in memory, the whole output', 'ordinary words stay');
});
