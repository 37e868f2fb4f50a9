// word count through mrpipe's shuffle operators: readChunks → countWords (WordCounter: words hashed as bytes
// into an arena, radix-sorted binary runs under the budget, merged by bytes) → wordCountLines → stdout.
// Prints "count word" lines in byte order of the word.
// MRPIPE_WC_STRINGS=1: the string path instead (splitLines latin1 → a JS string per token →
// HashCombiner('sum') → Sorter runs → reduceSorted), for comparison.
// MRPIPE_WC_HELPERS=N: N helper threads count beside the main one (countWords' `helpers`; default 0).
//   node bench/scripts/shuffle-wordcount.ts INPUT [TMPDIR] [MEMORY_MB=64]
// The modules are imported one by one, not through the index files: type stripping keeps memory for every
// file it has seen (~8 MB of RSS for the whole shuffle index).
import fs from 'node:fs';
import v8 from 'node:v8';
import { pipeline } from 'node:stream/promises';
// The built package (dist/, as users get it; `npm run bench` builds first): a helper thread that loads .ts
// modules instantiates its own type stripper, ~20 MB of RSS more than a .js one.
import { readChunks } from '../../dist/operators/lines/read-chunks.js';
import { countWords, wordCountLines } from '../../dist/operators/shuffle/words/countwords.js';
import type { Pair } from '../../operators/types.ts';

const [input, tmpDir, memoryMb = '64'] = process.argv.slice(2);
const memory = Number(memoryMb) * 2 ** 20;

if (process.env.MRPIPE_WC_STRINGS) await stringPath();
else {
  // process.stdout writes synchronously to files and pipes (Linux): each chunk is garbage as soon as it is
  // written. An fs.WriteStream holds chunks across event-loop turns, long enough to be promoted out of
  // V8's young generation: +15-40 MB of RSS before a full GC frees them.
  await pipeline(
    readChunks(input),
    countWords({ memory, tmpDir: tmpDir || undefined, helpers: Number(process.env.MRPIPE_WC_HELPERS ?? 0) }),
    wordCountLines({ countFirst: true }),
    process.stdout,
  );
  if (process.env.MRPIPE_BENCH_VERBOSE) console.error(`maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);
}

async function stringPath(): Promise<void> {
  const { splitLines } = await import('../../operators/lines/index.ts');
  const { HashCombiner, Sorter, reduceSorted } = await import('../../operators/shuffle/index.ts');
  // Keep V8's young generation from growing to its default maximum (tens of MB of RSS that the budget does
  // not see): every token makes short-lived garbage here, and a larger nursery buys little speed.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  // One budget for the whole process, not one each: the Sorter only sizes its I/O buffers from it (merge
  // readers and a writer), and the input chunks in flight take a few MiB more. The table gets the rest.
  const IO_RESERVE = Math.min(memory / 4, 16 * 2 ** 20);
  // A wide fan-in merges every run in one pass with small (64 KiB) read buffers. Narrow passes left each
  // group's 16 × 1 MiB buffers as garbage for V8 to notice late: +140 MB RSS with 171 runs.
  const sorter = new Sorter<Pair<number>>({ memory: IO_RESERVE, fanIn: 256, tmpDir: tmpDir || undefined, encoding: 'latin1' });
  // Each spill goes straight to a run file (held: the table alone, never a previous spill as well), except
  // the final one when nothing was spilled before: then it is the whole answer and stays in memory.
  let last: Pair<number>[] | undefined;
  let atEnd = false;
  const trace = Boolean(process.env.MRPIPE_BENCH_TRACE);
  const table = new HashCombiner<number, number>('sum', {
    memory: memory - IO_RESERVE,
    onSpill(spill) {
      const sorted = spill.slice(0, spill.length);
      if (trace) {
        const m = process.memoryUsage();
        console.error(`spill ${sorted.length} rss ${m.rss >> 20} heap ${m.heapUsed >> 20}/${m.heapTotal >> 20} ext ${m.external >> 20} MiB`);
      }
      if (atEnd && sorter.stats.runs === 0) last = sorted;
      else sorter.addSortedRun(sorted);
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
  atEnd = true;
  table.flush();
  if (trace) console.error(`flushed maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);

  // One spill in all (nothing written): it is the answer, already sorted. Otherwise merge the spills as runs.
  let sorted: Iterable<Pair<number>> = last ?? [];
  if (sorter.stats.runs > 0) sorted = sorter.finish();
  if (trace) console.error(`runs ${sorter.stats.runs} passes ${sorter.stats.mergePasses} maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);
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
}
