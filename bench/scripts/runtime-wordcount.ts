// Word count through runJob: node bench/scripts/runtime-wordcount.ts INPUT [WORKERS] [STREAMING] [MEMORY] [OUTDIR]
// Without OUTDIR: "word<TAB>count" lines in byte order on stdout (the stream output of runJob: one reducer).
// With OUTDIR: OUTDIR/part-* with reducers = workers (each part in byte order). STREAMING is auto|true|false
// (default true). Peak RSS and timing are measured by the harness.
import { fileURLToPath } from 'node:url';
import { runJob } from '../../lib/index.ts';

const [input, workers = '2', streaming = 'true', memory = '256MB', outDir] = process.argv.slice(2);
if (!input) {
  console.error('usage: node bench/scripts/runtime-wordcount.ts INPUT [WORKERS] [auto|true|false] [MEMORY] [OUTDIR]');
  process.exit(2);
}
const job = fileURLToPath(new URL('./runtime-wordcount-job.ts', import.meta.url));
const result = await runJob(job, {
  inputs: [input],
  output: outDir ?? '-',
  workers: Number(workers),
  ...(outDir ? { reducers: Number(workers) } : {}),
  streaming: streaming === 'auto' ? 'auto' : streaming === 'true',
  memory,
});
if (process.env.MRPIPE_BENCH_VERBOSE) {
  console.error(JSON.stringify({ ...result, maxRSSMiB: process.resourceUsage().maxRSS / 1024 }));
}
