// mrpipe submit --engine dask on a 2-worker Dask cluster on loopback beside mrpipe run, word count on 1 GB
// (times BENCH_SCALE). On 2 cores the cluster cannot be faster: the figure to watch is its overhead over
// `mrpipe run` (target: under 1.5× wall time). The cluster row's time includes starting and stopping the
// cluster; bench/scripts/dask-wordcount.ts also writes the submit's own wall time and every cluster
// process's CPU seconds and peak RSS to bench/data/dask-wordcount-processes.txt.
import type { BenchCase } from '../case.ts';

const GB = 1 << 30;
const SORTED = 'LC_ALL=C sort';

const daskCase: BenchCase = {
  title: 'dask: word count, mrpipe submit on a 2-worker loopback Dask cluster vs mrpipe run',
  input: { kind: 'text', size: GB },
  contenders: [
    {
      name: 'mrpipe run wordcount -o, 2 reducers',
      command: '{node} bin/mrpipe.js run wordcount {input} -o {tmp}/out --reducers 2 -q && cat {tmp}/out/part-*',
      peer: false,
      normalize: SORTED,
    },
    {
      name: 'mrpipe submit --engine dask, 2 workers × 1 thread, 2 reducers (cluster start and stop included)',
      command: '{node} bench/scripts/dask-wordcount.ts {input} {tmp} && cat {tmp}/out/part-*',
      peer: false,
      normalize: SORTED,
    },
  ],
};

export default daskCase;
