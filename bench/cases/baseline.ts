// This build against an older one on the same inputs, in the same run: the "no speed regression" check of a
// redesign. Set MRPIPE_BENCH_BASELINE to a checkout of the older commit, built there (`npm ci && npm run
// build`: its own dependencies); without it these cases are not defined. E.g.
//   git worktree add --detach /tmp/before b6bec44 && (cd /tmp/before && npm ci && npm run build)
//   MRPIPE_BENCH_BASELINE=/tmp/before BENCH_RUNS=1 npm run bench -- '^baseline'
import { execFileSync } from 'node:child_process';
import type { BenchCase, BenchInput } from '../case.ts';

const GB = 1 << 30;
const dir = process.env.MRPIPE_BENCH_BASELINE;
const rev = dir ? execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim() : '';
const OLD = `{node} ${dir}/bin/mrpipe.js`;
const NEW = '{node} bin/mrpipe.js';

function pair(what: string, input: BenchInput, inputName: string, args: string): BenchCase {
  return {
    title: `baseline: mrpipe ${what}, this build vs ${rev} (${inputName})`,
    input,
    contenders: [
      { name: `mrpipe ${what} (this build)`, command: `${NEW} ${what} ${args} -T {tmp} {input}`, peer: false },
      // The older build is the "peer": the ratio column reads as this build's time against it.
      { name: `mrpipe ${what} (${rev})`, command: `${OLD} ${what} ${args} -T {tmp} {input}`, peer: true },
    ],
    notes: `MRPIPE_BENCH_BASELINE=${dir}: the build of ${rev}, run with the same Node. Outputs compared byte for byte.`,
  };
}

const cases: BenchCase[] = dir === undefined ? [] : [
  pair('sort', { kind: 'text', size: GB }, '1 GB of generated text', '-S 64M'),
  pair('wordcount', { kind: 'text', size: GB }, '1 GB of generated text', '--memory 64MB'),
  pair('sort', { kind: 'real', size: 1e9 }, '1000 MB of gcc-12 source', '-S 64M'),
  pair('wordcount', { kind: 'real', size: 1e9 }, '1000 MB of gcc-12 source', '--memory 64MB'),
];
export default cases;
