// per-line job, peer: readline lines through Readable.from(...).map().filter() (the built-in iterator helpers).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

let sum = 0;
const lines = createInterface({ input: createReadStream(inputPath()), crlfDelay: Infinity });
for await (const n of Readable.from(lines).map(countWords).filter((n: number) => n > MIN_WORDS)) sum += n as number;
console.log(sum);
