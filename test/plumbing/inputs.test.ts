// One way to open inputs (plumbing/open-input.ts): stdin as '-', files, and one .gz rule for every reader.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runJob } from '../../lib/index.ts';
import { isGzip, isGzipDataError, openInputStream } from '../../plumbing/open-input.ts';
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
