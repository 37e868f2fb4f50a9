// count lines, peer: split2 over fs.createReadStream.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';
import { inputPath } from './lines-words.ts';

let lines = 0;
await pipeline(createReadStream(inputPath()), split2(), async (source: AsyncIterable<string>) => {
  for await (const _line of source) lines++;
});
console.log(lines);
