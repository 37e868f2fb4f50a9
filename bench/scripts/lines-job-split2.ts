// per-line job, peer: split2 + object-mode Transforms (one line per chunk).
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

let sum = 0;
await pipeline(
  createReadStream(inputPath()),
  split2(),
  new Transform({ objectMode: true, transform: (line: string, _e, cb) => cb(null, countWords(line)) }),
  new Transform({ objectMode: true, transform: (n: number, _e, cb) => cb(null, n > MIN_WORDS ? n : undefined) }),
  async (source: AsyncIterable<number>) => {
    for await (const n of source) sum += n;
  },
);
console.log(sum);
