// Runtime benchmarks: word count through runJob on 1 and 2 worker threads against `sort | uniq -c` and
// mawk; and the in-memory ("traditional") path against the streaming path from 100 MB to 4 GB.
import type { BenchCase, Contender } from '../case.ts';

const GB = 1 << 30;
const MB = 1 << 20;

/** mrpipe prints word<TAB>count in byte order; peers are brought to that shape, then all sorted. */
const AS_WORD_TAB_COUNT = "LC_ALL=C sort";
const FROM_UNIQ_C = "awk 'NF==2{print $2\"\\t\"$1}' | LC_ALL=C sort";

const wordcount = (workers: number, streaming: 'true' | 'false' | 'auto', memory = '256MB'): string =>
  `{node} bench/scripts/runtime-wordcount.ts {input} ${workers} ${streaming} ${memory}`;

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
    { name: 'mrpipe runJob, 1 worker', command: wordcount(1, 'true'), peer: false, normalize: AS_WORD_TAB_COUNT },
    { name: 'mrpipe runJob, 2 workers', command: wordcount(2, 'true'), peer: false, normalize: AS_WORD_TAB_COUNT },
    ...peers,
  ],
  notes: 'Streaming path, --memory 256MB, 1 reducer (output on stdout in key order). Targets: 2 workers >= 1.8x '
    + 'faster than 1, and >= 2x faster than the fastest peer. The job is bench/scripts/runtime-wordcount-job.ts '
    + '(latin1 lines, a hand-written whitespace scan, reduce: sum, combined map-side).',
};

const pathCase = (size: number, label: string): BenchCase => ({
  title: `runtime: in-memory vs streaming path, word count on ${label}`,
  input: { kind: 'text', size },
  contenders: [
    { name: `in-memory path (streaming: false), ${label}`, command: wordcount(2, 'false'), peer: false, normalize: AS_WORD_TAB_COUNT },
    { name: `streaming path (streaming: true), ${label}`, command: wordcount(2, 'true'), peer: false, normalize: AS_WORD_TAB_COUNT },
  ],
  notes: 'The seed\'s comparison: the in-memory path reads each file whole (up to 1 GiB per read) and aggregates in '
    + 'one Map in one thread; the streaming path splits, maps on 2 workers, spills under --memory 256MB and merges. '
    + 'Expect streaming peak RSS flat across sizes (within 10%) and time linear in size. '
    + (size >= 4 * GB ? 'The 4 GB row may be run scaled down with BENCH_SCALE (e.g. BENCH_SCALE=0.25); the scale used is the harness\'s.' : ''),
});

const cases: BenchCase[] = [
  wordcountCase,
  pathCase(100 * MB, '100 MB'),
  pathCase(500 * MB, '500 MB'),
  pathCase(GB, '1 GB'),
  pathCase(4 * GB, '4 GB'),
];

export default cases;
