// per-line job, mrpipe: readChunks -> splitLines(latin1) -> map(countWords) -> filter(> 10), the last two
// fused by pipe() into one loop. Lines are dropped right after counting, so strings: 'slice' is safe here
// (argv[3] = 'copy' to compare). Prints the sum.
import { pipeline } from 'node:stream/promises';
import { filter, map, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

const strings = process.argv[3] === 'copy' ? 'copy' : 'slice';
let sum = 0;
await pipeline(
  pipe(readChunks(inputPath()), splitLines({ encoding: 'latin1', strings }), map(countWords), filter((n: number) => n > MIN_WORDS)),
  async (batches: AsyncIterable<number[]>) => {
    for await (const batch of batches) for (let i = 0; i < batch.length; i++) sum += batch[i];
  },
);
console.log(sum);
