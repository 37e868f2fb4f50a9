// Runtime benchmarks: word count through runJob on 1 and 2 worker threads against `sort | uniq -c` and
// mawk; and the in-memory ("traditional") path against the streaming path from 100 MiB to 4 GiB (times
// BENCH_SCALE). The harness runs one input per case, so the path comparison is four cases, one per size.
import type { BenchCase, Contender } from '../case.ts';
import { scaledSize } from '../lib/inputs.ts';
import { parseOptions } from '../lib/options.ts';

const GB = 1 << 30;
const MB = 1 << 20;

/** mrpipe prints word<TAB>count in byte order; peers are brought to that shape, then all sorted. */
const AS_WORD_TAB_COUNT = "LC_ALL=C sort";
const FROM_UNIQ_C = "awk 'NF==2{print $2\"\\t\"$1}' | LC_ALL=C sort";

const wordcount = (workers: number, streaming: 'true' | 'false' | 'auto', memory = '256MB'): string =>
  `{node} bench/scripts/runtime-wordcount.ts {input} ${workers} ${streaming} ${memory}`;

/** Output to a directory (reducers = workers, so the reduce phase runs on every worker), then the parts. */
const wordcountToDir = (workers: number): string => `${wordcount(workers, 'true')} {tmp}/out && cat {tmp}/out/part-*`;

/** The harness's scale, read as it reads it, so titles give the size really generated. */
function benchScale(): number {
  try {
    return parseOptions(process.argv.slice(2), process.env, '.').scale;
  } catch {
    return 1;
  }
}

function mib(n: number): string {
  const [v, unit] = n >= GB ? [n / GB, 'GiB'] : [n / MB, 'MiB'];
  return `${Number(v.toFixed(1))} ${unit}`;
}

const peers: Contender[] = [
  {
    name: 'LC_ALL=C tr | sort -S 64M | uniq -c',
    command: "LC_ALL=C tr -s ' \\t\\n\\v\\f\\r' '\\n' < {input} | LC_ALL=C sort -S 64M -T {tmp} | uniq -c",
    peer: true,
    normalize: FROM_UNIQ_C,
  },
  {
    name: 'mawk associative array',
    command: "LC_ALL=C mawk '{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print w\"\\t\"c[w]}' {input}",
    peer: true,
    normalize: AS_WORD_TAB_COUNT,
  },
];

const wordcountCase: BenchCase = {
  title: 'runtime: word count on 1 GB (runJob, 1 and 2 workers) vs sort | uniq -c and mawk',
  input: { kind: 'text', size: GB },
  contenders: [
    { name: 'mrpipe runJob, 1 worker, 1 reducer', command: wordcountToDir(1), peer: false, normalize: AS_WORD_TAB_COUNT },
    { name: 'mrpipe runJob, 2 workers, 2 reducers', command: wordcountToDir(2), peer: false, normalize: AS_WORD_TAB_COUNT },
    ...peers,
  ],
  notes: 'Streaming path, --memory 256MB, output to a directory with reducers = workers (so the reduce phase is '
    + 'not single-threaded, as it is with output on stdout), then `cat OUT/part-*`: the parts\' concatenation, sorted, '
    + 'is compared with the peers\'. Runs before 2026-12-01 17:00 UTC wrote to stdout with 1 reducer; runs before 19:30 UTC '
    + 'used 64 MiB splits (now 128 MiB) and generator version 1 text. Targets: 2 workers '
    + '>= 1.8x faster than 1, and >= 2x faster than the fastest peer. The job is bench/scripts/runtime-wordcount-job.ts '
    + '(latin1 lines, a hand-written whitespace scan, reduce: sum, combined map-side).',
};

const SIZES = [100 * MB, 500 * MB, GB, 4 * GB];

const pathCase = (size: number, i: number, scale: number): BenchCase => {
  const input = { kind: 'text' as const, size };
  const label = mib(scaledSize(input, scale));
  const all = SIZES.map((s) => mib(scaledSize({ ...input, size: s }, scale))).join(', ');
  return {
    title: `runtime: in-memory vs streaming path, word count on ${label}`,
    input,
    contenders: [
      { name: `in-memory path (streaming: false), ${label}`, command: wordcount(2, 'false'), peer: false, normalize: AS_WORD_TAB_COUNT },
      { name: `streaming path (streaming: true), ${label}`, command: wordcount(2, 'true'), peer: false, normalize: AS_WORD_TAB_COUNT },
    ],
    notes: `Size ${i + 1} of 4 (${all}: 100 MiB, 500 MiB, 1 GiB and 4 GiB times BENCH_SCALE ${scale}; the Input line gives `
      + 'the exact bytes). The seed\'s comparison: the in-memory path reads each file whole (up to 1 GiB per read) and '
      + 'aggregates in one Map in one thread; the streaming path splits, maps on 2 workers, spills under --memory 256MB '
      + 'and merges; both print on stdout (1 reducer). The in-memory row holds the text\'s 200,000 words (it fits even '
      + '--memory 64MB; a forced in-memory run that outgrows --memory fails). Reading flatness: take the streaming row\'s peak RSS from the four '
      + 'sections of one run (same BENCH_SCALE and date); it should agree within 10% from the smallest size up (every '
      + 'size runs at least one map task per worker: a file at or below the 100MB threshold is still cut into '
      + 'min(workers, size / 8 MiB) ranges), while the in-memory row grows with the input. Time should grow linearly: '
      + 'the throughput column stays level.',
  };
};

const scale = benchScale();
const cases: BenchCase[] = [wordcountCase, ...SIZES.map((size, i) => pathCase(size, i, scale))];

export default cases;
