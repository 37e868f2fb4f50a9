// The README's pipeline composed by hand (bench/scripts/readme-pipeline.ts) against `mrpipe run` of the same
// inline job on one worker, on 100 MB of real and of generated text: the stages are the engine, so composing
// them must cost about what the runner does.
import type { BenchCase } from '../case.ts';

const MB = 1e6;
const MRPIPE = '{node} bin/mrpipe.js';
const WORDS = String.raw`(l, emit) => { for (const w of l.split(/[ \t\r\v\f]+/)) if (w) emit(w, 1) }`;

function pipelineCase(kind: 'real' | 'text', size: number): BenchCase {
  const run = `${MRPIPE} run --map '${WORDS}' --reduce sum --workers 1 --reducers 2 --memory 64MB -T {tmp} -o {tmp}/out {input}`;
  const what = kind === 'real' ? 'gcc-12 source' : 'generated text';
  return {
    title: `pipeline: the README's stages composed by hand vs mrpipe run of the same job, 1 worker (${size / MB} MB of ${what})`,
    input: { kind, size },
    contenders: [
      { name: 'mrpipe run --map (inline) --reduce sum --workers 1 --reducers 2', command: `${run} && cat {tmp}/out/part-*`, peer: false },
      {
        name: 'composed: capYoungGeneration({ memory }); readChunks → pipe(splitLines, flatMap, combine) → partitionStreams(2) → externalSort → reduce → joinLines',
        command: '{node} bench/scripts/readme-pipeline.ts {input} {tmp}/out {tmp} 2 64 && cat {tmp}/out/part-*',
        peer: true,
      },
      {
        // Without the opt-in: V8's young generation grows as it will (up to 2 × 64 MiB on a large machine).
        name: 'the same without capYoungGeneration()',
        command: '{node} bench/scripts/readme-pipeline.ts {input} {tmp}/out {tmp} 2 64 grow && cat {tmp}/out/part-*',
        peer: false,
      },
    ],
    notes: 'Both write two part files (the runtime\'s FNV-1a partitioner), compared byte for byte: the same bytes by two '
      + 'routes. Target: `mrpipe run` within 1.2× of the composed pipeline\'s time (the composed pipeline is the "peer" '
      + 'column only so the ratio reads against it). Memory 64 MB each, split the same way (half map-side table, half sort). '
      + 'Peak RSS of the composed program, no Node flags: its baseline (the same program on a one-line input) + 64 MB + '
      + 'up to 40 MiB, the overhead docs/SHUFFLE.md (Memory) states, with capYoungGeneration({ memory }) called first; without it '
      + 'V8\'s young generation grows to 2 × 64 MiB of semi-space here and the bound does not hold.',
  };
}

export default [pipelineCase('real', 100 * MB), pipelineCase('text', 100 * MB)];
