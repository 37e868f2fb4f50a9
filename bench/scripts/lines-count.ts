// count lines, mrpipe: readChunks + splitLines. argv[3]: encoding (latin1 default, or utf8); argv[4]: strings
// ('slice' default: nothing is kept, or 'copy'). Prints the count.
import { pipeline } from 'node:stream/promises';
import { readChunks, splitLines } from '../../operators/lines/index.ts';
import { inputPath } from './lines-words.ts';

const encoding = process.argv[3] === 'utf8' ? 'utf8' : 'latin1';
const strings = process.argv[4] === 'copy' ? 'copy' : 'slice';
let lines = 0;
await pipeline(readChunks(inputPath()), splitLines({ encoding, strings }), async (batches: AsyncIterable<string[]>) => {
  for await (const batch of batches) lines += batch.length;
});
console.log(lines);
