import test from 'ava';
import { readdirSync, readlinkSync } from 'node:fs';
import { once } from 'node:events';
import { addAbortSignal, type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { filter, joinLines, map, mapAsync, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';
import { collect, withTempDir, writeTemp } from './helpers.ts';

/** Resolves once a stream has emitted 'close', which readChunks does after closing its file (a fixed
 * wait here was a timing assumption: on a loaded machine the close can come later). */
function closed(s: Readable): Promise<unknown> {
  return s.closed ? Promise.resolve() : once(s, 'close');
}

/** Descriptors this process holds open on a path (Linux /proc). */
function fdsOpenOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

test('pipe(source, ...) reads a file end to end', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'a.txt', 'one two\n\nthree four five\nsix\n');
    const words = pipe(readChunks(file), splitLines(), map((l: string) => l.split(' ').length), filter((n: number) => n > 1));
    t.deepEqual(await collect<number>(words), [2, 3]);
  });
});

test('an error in any stage destroys every stage and closes the file', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'big.txt', 'line\n'.repeat(200_000));
    const source = readChunks(file, { chunkSize: 4096 });
    const split = splitLines();
    const boom = new Transform({
      objectMode: true,
      transform(_batch, _enc, cb) {
        cb(new Error('boom in the middle'));
      },
    });
    const sink = new Writable({ objectMode: true, write: (_c, _e, cb) => cb() });
    await t.throwsAsync(pipeline(pipe(source, split, map((l: string) => l), boom), sink), { message: 'boom in the middle' });
    t.true(source.destroyed && split.destroyed && boom.destroyed);
    await closed(source);
    t.is(fdsOpenOn(file), 0, 'no descriptor leaked');
  });
});

test('an AbortSignal stops the pipeline and closes the file', async (t) => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'big.txt', 'line\n'.repeat(200_000));
    const controller = new AbortController();
    const source = readChunks(file, { chunkSize: 4096, signal: controller.signal });
    let batches = 0;
    const slowSink = new Writable({
      objectMode: true,
      write(_c, _e, cb) {
        if (++batches === 3) {
          t.is(fdsOpenOn(file), 1, 'the file is open while reading');
          controller.abort();
        }
        setTimeout(cb, 1);
      },
    });
    await t.throwsAsync(pipeline(pipe(source, splitLines(), joinLines()), slowSink), { name: 'AbortError' });
    await closed(source);
    t.is(fdsOpenOn(file), 0);
  });
});

test('addAbortSignal on a composed stage aborts the whole chain', async (t) => {
  const controller = new AbortController();
  const stage = addAbortSignal(controller.signal, pipe(splitLines(), mapAsync(async (l: string) => l)));
  const done = pipeline(async function* () {
    while (true) {
      yield Buffer.from('x\n');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }, stage, new Writable({ objectMode: true, write: (_c, _e, cb) => cb() }));
  setTimeout(() => controller.abort(), 20);
  await t.throwsAsync(done, { name: 'AbortError' });
});

test('pipe with nothing to pipe is a clear error', (t) => {
  t.throws(() => (pipe as unknown as () => void)(), { message: /at least one stage/ });
  t.throws(() => (pipe as unknown as (x: unknown) => void)(42), { message: /must be a stream or a function/ });
});
