// per-line job, peer: highland (its own split, map, filter, reduce).
import { createReadStream } from 'node:fs';
import highland from 'highland';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

const sum = await highland<string>(createReadStream(inputPath(), { encoding: 'utf8' }))
  .split()
  .map(countWords)
  .filter((n) => n > MIN_WORDS)
  .reduce(0, (a: number, n: number) => a + n)
  .toPromise(Promise);
console.log(sum);
