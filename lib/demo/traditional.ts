// The demo's "traditional" word count, as the usual first version is written: read the whole file into one
// string, split it into lines, count words in one Map, sort, write. Memory grows with the input (the string
// and the array of lines live in the JS heap), which is what the demo sets streaming against.
// Usage (a child process of the demo): node traditional.(ts|js) FILE OUTDIR
// Writes OUTDIR/part-00000 (word<TAB>count, byte order) and OUTDIR/_SUCCESS, like `mrpipe run wordcount`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { words } from '../../operators/shuffle/keyed/builtins.ts';

export function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (w: string) => { counts.set(w, (counts.get(w) ?? 0) + 1); };
  // The wordcount recipe's words (the one definition: runs of bytes other than ASCII whitespace).
  for (const line of text.split('\n')) words(line, add);
  return counts;
}

function main(file: string, outDir: string): void {
  // latin1: bytes in, bytes out, like the recipe. A file over V8's string limit (~512 MiB) fails here.
  const text = readFileSync(file, 'latin1');
  const counts = countWords(text);
  const keys = [...counts.keys()].sort();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'part-00000'), keys.map((k) => `${k}\t${counts.get(k)}\n`).join(''), 'latin1');
  writeFileSync(join(outDir, '_SUCCESS'), '');
}

const [file, outDir] = process.argv.slice(2);
if (file !== undefined && outDir !== undefined && /traditional\.[jt]s$/.test(process.argv[1] ?? '')) {
  try {
    main(file, outDir);
  } catch (err) {
    process.stderr.write(`traditional word count failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
