// The harness's own case: how fast lib/generate writes each kind (to /dev/null through a stream, one core),
// generating as many bytes as the case's input file holds.
import type { BenchCase } from '../case.ts';

const gen = (kind: string, extra = '') => `{node} bench/lib/generate-to-stdout.ts ${kind} $(stat -c %s {input}) ${extra} > /dev/null`;

export const generatorCase: BenchCase = {
  title: 'dataset generator (lib/generate), 1 GiB of each kind to /dev/null',
  input: { kind: 'text', size: 2 ** 30, seed: 1 },
  contenders: [
    { name: 'text (200k-word Zipf vocabulary)', command: gen('text'), peer: false },
    { name: 'text, high cardinality (50M vocabulary)', command: gen('text', '50000000'), peer: false },
    { name: 'logs (Combined Log Format)', command: gen('logs'), peer: false },
    { name: 'activity (JSONL sessions)', command: gen('activity'), peer: false },
    { name: 'cat of the generated text (page-cache reference, not a peer)', command: 'cat {input} > /dev/null', peer: false },
  ],
  sameOutput: false,
  notes: 'Target: text ≥ 300 MB/s on one core. Each contender writes its kind through generateToStream to stdout; ' +
    'the throughput column counts the bytes generated. The cat row only shows what moving the same bytes costs. ' +
    'Check the load average in the line above: on this shared 2-core machine other work slows every row. ' +
    'Text is generator version 2 (docs/GENERATOR.md, Speed): the alias columns index 8,192 head ranks and ' +
    '2,997 blocks of 64 tail ranks, threshold and alias packed in one int32 per column (64 KB, cache-resident), ' +
    'where version 1 read three tables of 0.8-1.6 MB per word: 36-54 MB/s on this shared VM the same evening, ' +
    '280-313 MB/s on an idle day.',
};
