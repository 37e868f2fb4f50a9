// per-line job, the hand-written baseline: one synchronous loop, positional reads into one reused buffer,
// indexOf for newlines, latin1 decoding per line, no streams at all.
import { closeSync, openSync, readSync } from 'node:fs';
import { countWords, inputPath, MIN_WORDS } from './lines-words.ts';

const fd = openSync(inputPath(), 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let carried = 0;
let pos = 0;
let sum = 0;
const line = (s: number, e: number): void => {
  if (e > s && buf[e - 1] === 13) e--;
  const n = countWords((buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e));
  if (n > MIN_WORDS) sum += n;
};
while (true) {
  const n = readSync(fd, buf, carried, buf.length - carried, pos);
  pos += n;
  const len = carried + n;
  if (n === 0) {
    if (len > 0) line(0, len);
    break;
  }
  let s = 0;
  let nl: number;
  while ((nl = buf.indexOf(10, s)) !== -1 && nl < len) {
    line(s, nl);
    s = nl + 1;
  }
  carried = buf.copy(buf, 0, s, len); // lines here are shorter than the buffer
}
closeSync(fd);
console.log(sum);
