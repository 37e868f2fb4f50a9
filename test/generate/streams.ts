import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateToFile, generateToStream } from '../../lib/generate/index.ts';
import { collect, sha256 } from './helpers.ts';

const run = promisify(execFile);

test('generateToFile writes the same bytes as the stream, reports progress, leaves no temp file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mrpipe-gen-'));
  try {
    const seen: number[] = [];
    const r = await generateToFile('logs', join(dir, 'a.log'), { size: 3_000_000, seed: 4, onProgress: (p) => seen.push(p.bytesWritten) });
    const file = await readFile(join(dir, 'a.log'));
    t.is(file.length, r.bytes);
    t.is(sha256(file), sha256(await collect('logs', { size: 3_000_000, seed: 4 })));
    t.is(r.lines, file.toString('latin1').split('\n').length - 1);
    t.true(seen.length >= 2 && seen.at(-1) === r.bytes);
    t.deepEqual(await readdir(dir), ['a.log']);
    const ac = new AbortController();
    ac.abort();
    await t.throwsAsync(generateToFile('text', join(dir, 'b.txt'), { size: 1e6, signal: ac.signal }));
    t.deepEqual(await readdir(dir), ['a.log'], 'an aborted file is removed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('generateToStream respects backpressure: a slow writer never holds more than its buffer plus a chunk', async (t) => {
  let maxBuffered = 0, received = 0;
  const slow = new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _enc, cb) { received += chunk.length; setTimeout(cb, 1); },
  });
  const chunkSize = 64 * 1024;
  const r = await generateToStream('text', slow, {
    size: 4_000_000, chunkSize,
    onProgress: () => { maxBuffered = Math.max(maxBuffered, slow.writableLength); },
  });
  t.is(received, r.bytes);
  t.false(r.closedEarly);
  t.true(maxBuffered <= 256 * 1024 + chunkSize, `buffered ${maxBuffered}`);
});

test('`… | head` ends quietly: exit 0, nothing on stderr', async (t) => {
  const script = fileURLToPath(new URL('./fixtures/to-stdout.ts', import.meta.url));
  const { stdout, stderr } = await run('bash', ['-c', `"${process.execPath}" "${script}" text | head -c 1000 | wc -c; echo "status \${PIPESTATUS[0]}"`]);
  t.is(stdout.trim().split(/\s+/).join(' '), '1000 status 0');
  t.is(stderr, '');
});

