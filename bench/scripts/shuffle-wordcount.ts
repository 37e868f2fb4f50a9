// word count, mrpipe shuffle cores: readChunks → splitLines (latin1) → tokenize on space/tab in one loop →
// HashCombiner('sum') under the budget → (spills as sorted runs in a Sorter) → reduceSorted('sum').
// Prints "count word" lines in byte order of the word.
//   node bench/scripts/shuffle-wordcount.ts INPUT [TMPDIR] [MEMORY_MB=64]
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readChunks, splitLines } from '../../operators/lines/index.ts';
import { HashCombiner, Sorter, reduceSorted } from '../../operators/shuffle/index.ts';
import type { Pair } from '../../operators/types.ts';

const [input, tmpDir, memoryMb = '64'] = process.argv.slice(2);
const memory = Number(memoryMb) * 2 ** 20;
const sorter = new Sorter<Pair<number>>({ memory, tmpDir: tmpDir || undefined, encoding: 'latin1' });
let last: Pair<number>[] | undefined;
const table = new HashCombiner<number, number>('sum', {
  memory,
  onSpill(sorted) {
    if (last) sorter.addSortedRun(last);
    last = sorted;
  },
});

await pipeline(readChunks(input), splitLines({ encoding: 'latin1', strings: 'copy' }), async (batches: AsyncIterable<string[]>) => {
  for await (const lines of batches) {
    for (const line of lines) {
      const n = line.length;
      let start = -1;
      for (let i = 0; i <= n; i++) {
        const c = i < n ? line.charCodeAt(i) : 32;
        if (c === 32 || c === 9) {
          if (start >= 0) {
            table.add(line.slice(start, i), 1);
            start = -1;
          }
        } else if (start < 0) start = i;
      }
    }
  }
});
table.flush();

// One spill in all: it is the answer, already sorted. Otherwise merge the spills as runs.
let sorted: Iterable<Pair<number>> = last ?? [];
if (sorter.stats.runs > 0) {
  if (last) sorter.addSortedRun(last);
  sorted = sorter.finish();
}
const out = Buffer.allocUnsafe(1 << 20);
let pos = 0;
reduceSorted(sorted, 'sum', (word, count) => {
  if (pos + word.length + 24 > out.length) {
    fs.writeSync(1, out, 0, pos);
    pos = 0;
  }
  pos += out.write(`${count} ${word}\n`, pos, 'latin1');
});
fs.writeSync(1, out, 0, pos);
sorter.dispose();
if (process.env.MRPIPE_BENCH_VERBOSE) console.error(`maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);
