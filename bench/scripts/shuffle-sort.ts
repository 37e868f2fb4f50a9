// sort lines, mrpipe: readChunks → sortLines (bytes in, sorted bytes out; no strings) → stdout.
//   node bench/scripts/shuffle-sort.ts INPUT [TMPDIR] [MEMORY_MB=64]
// (MRPIPE_SORT_STRINGS=1: the README's composed pipeline in raw-line mode, readChunks → splitLines (latin1,
//  keepCR) → externalSort → joinLines, from dist/ like the byte path;
//  MRPIPE_SORT_THREADS=1: sort runs on a worker thread (threads: true, on either path); MRPIPE_SORT_FAN_IN=N: the merge fan-in.)
import { pipeline } from 'node:stream/promises';
// The byte path runs the built package (dist/, as users get it; `npm run bench` builds first), module by
// module: type stripping costs RSS per file seen (~8 MB for the shuffle index) and ~20 MB more in each
// worker thread, which must instantiate its own stripper (a .js worker: ~20 MB in all; a .ts one: ~41).
import { readChunks } from '../../dist/operators/lines/read-chunks.js';
import { sortLines } from '../../dist/operators/shuffle/linesort/sortlines.js';

const [input, tmpDir, memoryMb = '64'] = process.argv.slice(2);
const memory = Number(memoryMb) * 2 ** 20;
if (process.env.MRPIPE_SORT_STRINGS) {
  const { joinLines, splitLines } = await import('../../dist/operators/lines/index.js');
  const { externalSort } = await import('../../dist/operators/shuffle/index.js');
  await pipeline(
    readChunks(input),
    splitLines({ encoding: 'latin1', keepCR: true }),
    externalSort<string>({ memory, tmpDir: tmpDir || undefined, encoding: 'latin1', threads: process.env.MRPIPE_SORT_THREADS === '1' }),
    joinLines({ encoding: 'latin1' }),
    process.stdout,
  );
} else {
  const threads = process.env.MRPIPE_SORT_THREADS === '1'; // the sort worker thread (off by default)
  const fanIn = process.env.MRPIPE_SORT_FAN_IN ? Number(process.env.MRPIPE_SORT_FAN_IN) : undefined;
  await pipeline(readChunks(input), sortLines({ memory, tmpDir: tmpDir || undefined, threads, fanIn }), process.stdout);
}
if (process.env.MRPIPE_BENCH_VERBOSE) console.error(`maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);
