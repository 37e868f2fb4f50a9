// count lines, peer: Node's readline over fs.createReadStream.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { inputPath } from './lines-words.ts';

let lines = 0;
for await (const _line of createInterface({ input: createReadStream(inputPath()), crlfDelay: Infinity })) lines++;
console.log(lines);
