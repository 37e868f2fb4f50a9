// The shuffle: sorting lines under a 64 MB budget and word count (tokenize → combine → sort → reduce),
// mrpipe against GNU sort, the npm external-sorting package, sort | uniq -c, mawk and a readline + Map
// loop. Word count outputs are normalised to "count word" sorted, so every contender must agree exactly.
// Figures and what was tried: docs/SHUFFLE.md.
import type { BenchCase } from '../case.ts';

const GB = 1024 * 1024 * 1024;
const wcNormalize = "awk '{print $1, $2}' | LC_ALL=C sort";

const sortLines: BenchCase = {
  title: 'sort 1 GB of lines, 64 MB budget',
  input: { kind: 'text', size: GB, seed: 1 },
  contenders: [
    { name: 'mrpipe sortLines({threads: true}): runs sorted and merge groups merged on a 2nd thread', command: 'MRPIPE_SORT_THREADS=1 {node} bench/scripts/shuffle-sort.ts {input} {tmp} 64', peer: false },
    { name: 'mrpipe sortLines (one thread: byte arena, radix sort, fan-in 16)', command: '{node} bench/scripts/shuffle-sort.ts {input} {tmp} 64', peer: false },
    { name: 'LC_ALL=C sort -S 64M (2 threads)', command: 'LC_ALL=C sort -S 64M -T {tmp} {input}', peer: true },
    { name: 'LC_ALL=C sort -S 64M --parallel=1', command: 'LC_ALL=C sort -S 64M --parallel=1 -T {tmp} {input}', peer: true },
  ],
  notes: 'Target: within 1.5x of GNU sort with its default threads; peak RSS <= budget + 100 MB. With threads the ' +
    'worker (its isolate charged 16 MiB of the budget) sorts and writes a full buffer while this thread fills the ' +
    'other, and merges every other group of the merge passes. The npm package ' +
    'external-sorting is measured in its own case on 16 MB: it took 350 s on 20 MB here, hours on 1 GB.',
};

// external-sorting is ~1000x slower than GNU sort: on its own small input, so the 1 GB case stays runnable.
const sortSmall: BenchCase = {
  title: 'sort 16 MB of lines: the npm package external-sorting',
  input: { kind: 'text', size: 16 * 1024 * 1024, seed: 1 },
  contenders: [
    { name: 'mrpipe sortLines (byte arena, radix sort, fan-in 16)', command: '{node} bench/scripts/shuffle-sort.ts {input} {tmp} 64', peer: false },
    { name: 'LC_ALL=C sort -S 64M (2 threads)', command: 'LC_ALL=C sort -S 64M -T {tmp} {input}', peer: true },
    { name: 'npm external-sorting', command: '{node} bench/scripts/shuffle-sort-external-sorting.ts {input} {tmp}', peer: true },
  ],
  notes: 'external-sorting drops the last line of an input without a final newline (not the case here: the generator ends every line).',
};

const wordCount = (title: string, vocabulary?: number): BenchCase => ({
  title,
  input: { kind: 'text', size: GB, seed: 2, vocabulary },
  contenders: [
    { name: 'mrpipe readChunks → countWords({helpers: 1}) → wordCountLines (2 threads)', command: 'MRPIPE_WC_HELPERS=1 {node} bench/scripts/shuffle-wordcount.ts {input} {tmp} 64', peer: false, normalize: wcNormalize },
    { name: 'mrpipe readChunks → countWords → wordCountLines (1 thread)', command: '{node} bench/scripts/shuffle-wordcount.ts {input} {tmp} 64', peer: false, normalize: wcNormalize },
    { name: "LC_ALL=C tr -s ' \\t' '\\n' | sort -S 64M | uniq -c", command: "LC_ALL=C tr -s ' \\t' '\\n' < {input} | LC_ALL=C sort -S 64M -T {tmp} | uniq -c", peer: true, normalize: wcNormalize },
    { name: 'mawk associative array', command: "mawk '{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print c[w], w}' {input}", peer: true, normalize: wcNormalize },
    { name: 'Node readline + Map', command: '{node} bench/scripts/shuffle-wordcount-readline.ts {input}', peer: true, normalize: wcNormalize },
  ],
  notes: 'Target: faster than both sort | uniq -c and mawk; peak RSS <= 64 MB + 100 MB. With helpers, a helper thread ' +
    'counts pieces of whole words in its own table (the budget split between the two tables and its isolate) and ' +
    'the calling thread merges both threads\' runs. countWords hashes each word ' +
    'as bytes into one preallocated arena table (no string per word), spills it under the budget as a sorted binary ' +
    'run (64-bit packed-prefix sort), and merges the runs by bytes summing equal words; input chunks, output batches ' +
    'and merge buffers are reused, so RSS stays flat. Node with type stripping is ~85 MB of it.',
});

export default [
  sortLines,
  sortSmall,
  wordCount('word count over 1 GB, 64 MB budget'),
  wordCount('word count over 1 GB, high cardinality (more distinct words than fit in 64 MB)', 20_000_000),
];
