// Line splitting alone, no streams and no I/O: the file is read into memory once, cut into whole-line
// chunks of CHUNK bytes (readChunks' default), and each approach splits every chunk 5 times; prints the
// median MB/s per approach. What docs/OPERATORS.md's "splitting approaches" table is made from.
//   node bench/scripts/split-approaches.ts INPUT [CHUNK=262144]
import { readFileSync } from 'node:fs';
import { LineSplitter } from '../../operators/lines/index.ts';

const file = readFileSync(process.argv[2]);
const chunkSize = Number(process.argv[3] ?? 256 * 1024);
const chunks: Buffer[] = [];
for (let s = 0; s < file.length;) {
  let e = Math.min(file.length, s + chunkSize);
  if (e < file.length) e = file.lastIndexOf(10, e - 1) + 1 || e;
  chunks.push(Buffer.from(file.subarray(s, e))); // own memory, as readChunks' pooled buffers
  s = e;
}
type Fast = { latin1Slice(s: number, e: number): string };

function measure(name: string, split: (c: Buffer) => number): void {
  const ms: number[] = [];
  let lines = 0;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    lines = 0;
    for (const c of chunks) lines += split(c);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(`| ${name} | ${Math.round(file.length / ms[2] / 1e3)} | ${lines} |`);
}

console.log(`${file.length} bytes, ${chunks.length} chunks of ≤ ${chunkSize} bytes, median of 5\n`);
console.log('| approach | MB/s | lines |\n| --- | ---: | ---: |');
measure('indexOf scan only, no strings (the ceiling)', (c) => {
  let n = 0;
  for (let s = 0, nl; (nl = c.indexOf(10, s)) !== -1; s = nl + 1) n++;
  return n;
});
measure('per line latin1Slice(s, e)', (c) => {
  const out: string[] = [];
  for (let s = 0, nl; (nl = c.indexOf(10, s)) !== -1; s = nl + 1) out.push((c as unknown as Fast).latin1Slice(s, nl));
  return out.length;
});
measure('decode the whole chunk + split', (c) => (c as unknown as Fast).latin1Slice(0, c.length - 1).split('\n').length);
for (const encoding of ['latin1', 'utf8'] as const) {
  for (const strings of ['copy', 'slice'] as const) {
    const splitter = new LineSplitter({ encoding, strings });
    measure(`LineSplitter.split, ${encoding}, strings: '${strings}'`, (c) => splitter.split(c).length);
  }
}
