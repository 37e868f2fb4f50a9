// sort lines, mrpipe: readChunks → splitLines (latin1) → externalSort → joinLines → stdout.
//   node bench/scripts/shuffle-sort.ts INPUT [TMPDIR] [MEMORY_MB=64]
import { pipeline } from 'node:stream/promises';
import { joinLines, readChunks, splitLines } from '../../operators/lines/index.ts';
import { externalSort } from '../../operators/shuffle/index.ts';

const [input, tmpDir, memoryMb = '64'] = process.argv.slice(2);
await pipeline(
  readChunks(input),
  splitLines({ encoding: 'latin1', strings: 'copy' }),
  externalSort<string>({ memory: Number(memoryMb) * 2 ** 20, tmpDir: tmpDir || undefined, encoding: 'latin1' }),
  joinLines({ encoding: 'latin1' }),
  process.stdout,
);
if (process.env.MRPIPE_BENCH_VERBOSE) console.error(`maxRSS ${process.resourceUsage().maxRSS >> 10} MiB`);
