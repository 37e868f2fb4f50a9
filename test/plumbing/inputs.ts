// One way to open inputs (plumbing/open-input.ts): stdin as '-', files, globs and one .gz rule for every reader.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runJob } from '../../lib/index.ts';
import { expandGlob, isGlob, isGzip, isGzipDataError, openInputStream } from '../../plumbing/open-input.ts';
import { mrpipe } from '../cli/helpers.ts';
import { allLines, tempDir } from '../runtime/helpers.ts';

async function bytesOf(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of stream) parts.push(b);
  return Buffer.concat(parts).toString();
}

test('isGzip: a name ending in .gz, any case', (t) => {
  for (const p of ['a.gz', 'dir/a.txt.GZ', 'b.Gz']) t.true(isGzip(p), p);
  for (const p of ['a.gzip', 'a.tgz', 'gz', 'a.gz.txt']) t.false(isGzip(p), p);
});

test('openInputStream: plain files as they are, .gz decompressed, - and null are stdin', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  writeFileSync(join(dir, 'plain.txt'), 'x\ny\n');
  writeFileSync(join(dir, 'packed.TXT.GZ'), gzipSync('z\nw\n'));
  t.is(await bytesOf(openInputStream(join(dir, 'plain.txt'))), 'x\ny\n');
  t.is(await bytesOf(openInputStream(join(dir, 'packed.TXT.GZ'), { highWaterMark: 3, chunkSize: 64 })), 'z\nw\n');
  t.is(openInputStream('-'), process.stdin);
  t.is(openInputStream(null), process.stdin);
  writeFileSync(join(dir, 'fake.gz'), 'not gzip at all\n');
  const err = await t.throwsAsync(bytesOf(openInputStream(join(dir, 'fake.gz'))));
  t.true(isGzipDataError(err), String(err));
});

test('the CLI and runJob read an upper-case .GZ the same way (one rule)', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const file = join(dir, 'words.TXT.GZ');
  writeFileSync(file, gzipSync('b a\na\n'));
  const sorted = await mrpipe(['sort', file]);
  t.is(sorted.stdout.toString(), 'a\nb a\n', sorted.stderr);
  await runJob('wordcount', { inputs: [file], output: join(dir, 'out'), workers: 1 });
  t.deepEqual(allLines(join(dir, 'out')), ['a\t2', 'b\t1']);
});

test('globs: one rule for the CLI and runJob; byte order; a file named like a glob is a file', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  for (const name of ['b.txt', 'a.txt', 'B.txt', 'c.log', 'x[1].txt']) writeFileSync(join(dir, name), `${name}\n`);
  t.deepEqual(await expandGlob(join(dir, '*.txt')), ['B.txt', 'a.txt', 'b.txt', 'x[1].txt'].map((n) => join(dir, n)));
  t.true(isGlob(join(dir, '{a,c}.*')));
  t.false(isGlob(join(dir, 'x[1].txt')), 'it names an existing file');
  t.false(isGlob(join(dir, 'a.txt')));
  // A brace pattern passed the runner but not the CLI's own narrower check ("no such file").
  const r = await mrpipe(['run', 'wordcount', join(dir, '{a.txt,c.log}'), '--workers', '1', '--quiet']);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), 'a.txt\t1\nc.log\t1\n');
});
