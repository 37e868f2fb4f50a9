// The input side: counting lines and a per-line job, mrpipe against the usual Node ways and a hand-written
// loop. Every contender prints one number, so outputs compare exactly. Figures and what was tried:
// docs/OPERATORS.md.
import type { BenchCase } from '../case.ts';

const input = { kind: 'text', size: 1024 * 1024 * 1024, seed: 1 } as const;

const countLines: BenchCase = {
  title: 'count lines',
  input,
  contenders: [
    { name: 'mrpipe readChunks + splitLines (latin1)', command: '{node} bench/scripts/lines-count.ts {input} latin1 copy', peer: false },
    { name: 'mrpipe readChunks + splitLines (latin1, strings: slice)', command: '{node} bench/scripts/lines-count.ts {input} latin1 slice', peer: false },
    { name: 'mrpipe readChunks + splitLines (utf8)', command: '{node} bench/scripts/lines-count.ts {input} utf8 copy', peer: false },
    { name: 'mrpipe readChunks + splitLines (utf8, strings: slice)', command: '{node} bench/scripts/lines-count.ts {input} utf8 slice', peer: false },
    { name: 'wc -l', command: 'wc -l < {input}', peer: true },
    { name: 'Node readline', command: '{node} bench/scripts/lines-count-readline.ts {input}', peer: true },
    { name: 'split2', command: '{node} bench/scripts/lines-count-split2.ts {input}', peer: true },
  ],
  notes: 'mrpipe counts decoded line strings (what a job gets); wc -l only counts LF bytes. Each row is a whole ' +
    'process (start-up, reads, streams). The split alone, in memory, is measured by ' +
    '`node bench/scripts/split-approaches.ts FILE` (table in docs/OPERATORS.md): the line-splitting target ' +
    '(>= 1 GB/s per core) is for that figure.',
};

const perLineJob: BenchCase = {
  title: 'per-line job: words per line, keep lines with > 10 words, sum',
  input,
  contenders: [
    { name: 'mrpipe pipe(readChunks, splitLines, map, filter) (fused)', command: '{node} bench/scripts/lines-job.ts {input} copy', peer: false },
    { name: 'hand-written single loop (the reference, not a peer)', command: '{node} bench/scripts/lines-job-loop.ts {input}', peer: false },
    { name: 'split2 + Transforms', command: '{node} bench/scripts/lines-job-split2.ts {input}', peer: true },
    { name: 'highland', command: '{node} bench/scripts/lines-job-highland.ts {input}', peer: true },
    { name: 'stream-chain chain()', command: '{node} bench/scripts/lines-job-chain.ts {input}', peer: true },
    { name: 'Readable.map/filter', command: '{node} bench/scripts/lines-job-readable.ts {input}', peer: true },
  ],
  notes: 'All contenders share countWords (bench/scripts/lines-words.ts). The hand-written loop is the target ' +
    'mrpipe must stay within 1.1x of; the peers are what it must beat by 1.3x.',
};

export default [countLines, perLineJob];
