// sort lines with the npm package external-sorting (peer). maxHeap is its item count per chunk: sized so a
// chunk of ~64-byte lines is about the same 64 MB budget.
//   node bench/scripts/shuffle-sort-external-sorting.ts INPUT TMPDIR [MAX_HEAP=500000]
import fs from 'node:fs';
import esortModule from 'external-sorting';

// A CommonJS module with exports.default: under ESM the default import is the exports object.
type Esort = (o: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; tempDir: string; maxHeap: number }) => { asc(): Promise<void> };
const esort = (esortModule as unknown as { default: Esort }).default;

const [input, tmpDir, maxHeap = '500000'] = process.argv.slice(2);
await esort({
  input: fs.createReadStream(input),
  output: process.stdout,
  tempDir: tmpDir,
  maxHeap: Number(maxHeap),
}).asc();
