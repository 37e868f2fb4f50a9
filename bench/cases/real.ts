// The real corpus (bench/lib/real-corpus.ts: the text files of Debian's gcc-12-source) against the peers a
// user would pick instead: GNU sort, mawk, `tr | sort | uniq -c` and DuckDB. Real lines share long prefixes
// and real vocabularies are large with long identifiers; generated text has neither. 300 MB and 1 GB,
// `--memory 64MB` / `-S 64M` everywhere; DuckDB gets 2 threads and 256 MB (its floor for these queries).
import type { BenchCase, Contender } from '../case.ts';

const MB = 1e6;
const MRPIPE = '{node} bin/mrpipe.js';
const DUCKDB = '{node} bench/scripts/duckdb.ts';
const WORDS = String.raw`(l, emit) => { for (const w of l.split(/[ \t\r\v\f]+/)) if (w) emit(w, 1) }`;
const SORTED = 'LC_ALL=C sort';

function sortCase(size: number): BenchCase {
  return {
    title: `real: mrpipe sort vs LC_ALL=C sort and DuckDB ORDER BY, -S 64M (${size / MB} MB of gcc-12 source)`,
    input: { kind: 'real', size },
    contenders: [
      { name: 'mrpipe sort -S 64M', command: `${MRPIPE} sort -S 64M -T {tmp} {input}`, peer: false },
      {
        name: 'operators composed: readChunks → splitLines(latin1, keepCR) → externalSort(64 MiB, threads) → joinLines',
        command: 'MRPIPE_SORT_STRINGS=1 MRPIPE_SORT_THREADS=1 {node} bench/scripts/shuffle-sort.ts {input} {tmp} 64',
        peer: false,
      },
      { name: 'LC_ALL=C sort -S 64M', command: 'LC_ALL=C sort -S 64M -T {tmp} {input}', peer: true },
      { name: 'DuckDB ORDER BY (2 threads, 256 MB)', command: `${DUCKDB} sort {input} {tmp}`, peer: true },
    ],
    notes: 'Outputs compared byte for byte (DuckDB reads lines with read_csv as one VARCHAR column; the corpus holds '
      + 'no CR or other control byte, so every tool reads the same lines). The composed row runs from a .ts script '
      + '(bench/scripts/shuffle-sort.ts): its peak RSS holds Node\'s TypeScript stripper, ~17 MiB at start and ~30 '
      + 'MiB more with threads (docs/SHUFFLE.md, Memory).',
  };
}

function keyedSortCase(size: number): BenchCase {
  const keys = "-t \"$(printf '\\t')\" -k2,2nr -k1,1";
  return {
    title: `real: keyed sort of a word-count table, -k2,2nr -k1,1 (words of ${size / MB} MB of gcc-12 source)`,
    input: { kind: 'real-counts', size },
    contenders: [
      { name: 'mrpipe sort -t TAB -k2,2nr -k1,1 -S 64M', command: `${MRPIPE} sort ${keys} -S 64M -T {tmp} {input}`, peer: false },
      { name: 'LC_ALL=C sort -t TAB -k2,2nr -k1,1 -S 64M', command: `LC_ALL=C sort ${keys} -S 64M -T {tmp} {input}`, peer: true },
    ],
    notes: 'The input is `word<TAB>count` for every distinct word of the corpus, in mawk\'s hash order: the sort a '
      + 'Hadoop Streaming user runs between map and reduce, and the one `sort | uniq -c | sort -nr` ends with.',
  };
}

function wordCountCase(size: number): BenchCase {
  const contenders: Contender[] = [
    { name: 'mrpipe wordcount --memory 64MB', command: `${MRPIPE} wordcount --memory 64MB -T {tmp} {input}`, peer: false, normalize: SORTED },
    { name: 'mrpipe run wordcount --memory 64MB', command: `${MRPIPE} run wordcount --memory 64MB -T {tmp} {input}`, peer: false, normalize: SORTED },
    { name: 'mrpipe run --map (inline) --reduce sum --memory 64MB', command: `${MRPIPE} run --map '${WORDS}' --reduce sum --memory 64MB -T {tmp} {input}`, peer: false, normalize: SORTED },
    {
      name: 'mawk associative array',
      command: "LC_ALL=C mawk '{gsub(/[\\013\\014]/, \" \"); for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print w\"\\t\"c[w]}' {input}",
      peer: true,
      normalize: SORTED,
    },
    {
      name: 'LC_ALL=C tr | sort -S 64M | uniq -c',
      command: "LC_ALL=C tr -s ' \\t\\n\\v\\f\\r' '\\n' < {input} | LC_ALL=C sort -S 64M -T {tmp} | LC_ALL=C uniq -c",
      peer: true,
      normalize: "awk 'NF==2{print $2\"\\t\"$1}' | LC_ALL=C sort",
    },
    { name: 'DuckDB GROUP BY (2 threads, 256 MB)', command: `${DUCKDB} wordcount {input} {tmp}`, peer: true, normalize: SORTED },
  ];
  return {
    title: `real: word count, mrpipe vs mawk, tr | sort | uniq -c and DuckDB (${size / MB} MB of gcc-12 source)`,
    input: { kind: 'real', size },
    contenders,
    notes: 'Words are split on ASCII blanks by every contender; outputs are compared after sorting. DuckDB: GROUP BY '
      + 'over regexp_split_to_array(line, \'[ \\t\\r\\v\\f]+\').',
  };
}

export default [300 * MB, 1000 * MB].flatMap((size) => [sortCase(size), keyedSortCase(size), wordCountCase(size)]);
