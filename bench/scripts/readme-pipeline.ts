// The README's pipeline composed by hand from mrpipe/operators, as a user would write it (pipe() for the
// steps in a row, as the README's first example):
//   readChunks → pipe(splitLines, flatMap(the map), combine('sum')) → partition → externalSort → reduce('sum') → joinLines
// one part file per partition, the same job `mrpipe run --map … --reduce sum --reducers R -o DIR` runs.
//   node bench/scripts/readme-pipeline.ts INPUT OUTDIR TMPDIR [PARTITIONS=2] [MEMORY_MB=64] [grow]
// With MRPIPE_BENCH_VERBOSE=1 it prints its peak RSS on stderr as JSON {"maxRSS": bytes} (the memory test
// in test/shuffle/composed-pipeline.test.ts runs this program).
// The memory is split as `mrpipe run` splits one budget: half to the map-side table, half to the sorts.
// It calls capYoungGeneration({ memory }) first with the budget it gives the stages, as docs/SHUFFLE.md (Memory)
// tells a composed program to; `grow` leaves V8's young generation to grow as it will.
import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  readChunks, pipe, splitLines, flatMap, combine, partitionStreams, externalSort, reduce, map, joinLines, capYoungGeneration,
  type Pair,
} from '../../dist/operators/index.js';

const [input, outDir, tmpDir, partsArg = '2', memoryMb = '64', young] = process.argv.slice(2);
const parts = Number(partsArg);
const memory = Number(memoryMb) * 2 ** 20;
if (young !== 'grow') capYoungGeneration({ memory });
const BLANKS = /[ \t\r\v\f]+/;

// The inline job's map, as the bench passes it to `mrpipe run --map`.
const words = (line: string): Pair<number>[] => {
  const out: Pair<number>[] = [];
  for (const w of line.split(BLANKS)) if (w) out.push([w, 1]);
  return out;
};

mkdirSync(outDir, { recursive: true });
const { input: toPartitions, outputs } = partitionStreams<number>(parts);
const reducers = outputs.map((out, i) => pipeline(
  out,
  externalSort<Pair<number>>({ memory: Math.floor(memory / 2 / parts), tmpDir }),
  reduce('sum'),
  map(([k, v]: Pair<number>) => `${k}\t${v}`),
  joinLines(),
  createWriteStream(join(outDir, `part-${String(i).padStart(5, '0')}`)),
));
await Promise.all([
  pipeline(readChunks(input), pipe(splitLines(), flatMap(words), combine('sum', { memory: Math.floor(memory / 2) })), toPartitions),
  ...reducers,
]);
if (process.env.MRPIPE_BENCH_VERBOSE) console.error(JSON.stringify({ maxRSS: process.resourceUsage().maxRSS * 1024 }));
