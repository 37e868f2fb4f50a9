// per-line job, peer: stream-chain chain() with split2 for the lines and plain functions per line.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';
import { chain, none } from 'stream-chain';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

let sum = 0;
await pipeline(
  chain([createReadStream(inputPath()), split2(), countWords, (n: number) => (n > MIN_WORDS ? n : none)]),
  async (source: AsyncIterable<number>) => {
    for await (const n of source) sum += n;
  },
);
console.log(sum);
