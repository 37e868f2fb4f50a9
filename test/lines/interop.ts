// One pipeline (file -> lines -> non-empty, upper-cased -> bytes) built five ways: the operators are plain
// Node streams, so stream.pipeline, pipe(), stream-chain's chain(), highland and through2 agree byte for byte.
import test from 'ava';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import highland from 'highland';
import { chain } from 'stream-chain';
import through2 from 'through2';
import { filter, joinLines, map, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';
import { withTempDir, writeTemp } from './helpers.ts';

const keep = (l: string): boolean => l.length > 0;
const upper = (l: string): string => l.toUpperCase();

function sink(into: Buffer[]): Writable {
  return new Writable({ objectMode: true, write: (c: Buffer, _e, cb) => { into.push(c); cb(); } });
}

const ways: Record<string, (file: string) => Promise<Buffer>> = {
  async pipeline(file) {
    const out: Buffer[] = [];
    await pipeline(readChunks(file, { chunkSize: 64 }), splitLines(), filter(keep), map(upper), joinLines(), sink(out));
    return Buffer.concat(out);
  },
  async pipe(file) {
    const out: Buffer[] = [];
    await pipeline(pipe(readChunks(file, { chunkSize: 64 }), splitLines(), filter(keep), map(upper), joinLines()), sink(out));
    return Buffer.concat(out);
  },
  async streamChain(file) {
    const out: Buffer[] = [];
    await pipeline(chain([readChunks(file, { chunkSize: 64 }), splitLines(), filter(keep), map(upper), joinLines()]), sink(out));
    return Buffer.concat(out);
  },
  async highland(file) {
    const chunks = await highland<Buffer>(readChunks(file, { chunkSize: 64 }))
      .through(splitLines()).through(filter(keep)).through(map(upper)).through(joinLines())
      .collect().toPromise(Promise);
    return Buffer.concat(chunks as unknown as Buffer[]);
  },
  async through2(file) {
    const out: Buffer[] = [];
    const upperNonEmpty = through2.obj(function (lines: string[], _enc: BufferEncoding, cb: (err: Error | null, out: string[]) => void) {
      cb(null, lines.filter(keep).map(upper));
    });
    await pipeline(readChunks(file, { chunkSize: 64 }), splitLines(), upperNonEmpty, joinLines(), sink(out));
    return Buffer.concat(out);
  },
};

test('stream.pipeline, pipe(), chain(), highland and through2 give identical output', async (t) => {
  await withTempDir(async (dir) => {
    const text = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? '' : `line ${i} héllo ${'x'.repeat(i % 90)}`)).join('\r\n');
    const file = await writeTemp(dir, 'in.txt', text);
    const expected = text.split('\r\n').filter(keep).map(upper).join('\n') + '\n';
    for (const [name, run] of Object.entries(ways)) {
      t.is((await run(file)).toString(), expected, name);
    }
  });
});
