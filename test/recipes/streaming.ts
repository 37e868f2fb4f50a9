// Simulates a Hadoop Streaming job with the real CLI: each input is cut into line-aligned splits, each
// split is mapped by its own `mrpipe map` process (with Hadoop's mapreduce_map_input_file/_start set),
// each mapper's output is sorted and combined as Hadoop's combiner would, then everything is sorted
// with `LC_ALL=C sort -t$'\t' -k1,1 -s` and reduced by one `mrpipe reduce`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BIN } from '../cli/helpers.ts';

function run(cmd: string, args: string[], input: Buffer, env: NodeJS.ProcessEnv = {}): Buffer {
  const r = spawnSync(cmd, args, { input, env: { ...process.env, LC_ALL: 'C', ...env }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Byte ranges [start, end) of `splits` line-aligned pieces of the file. */
export function lineSplits(data: Buffer, splits: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= splits && start < data.length; i++) {
    let end = i === splits ? data.length : Math.floor((data.length * i) / splits);
    if (end < start) end = start;
    const nl = data.indexOf(10, end === 0 ? 0 : end - 1);
    end = i === splits || nl === -1 ? data.length : nl + 1;
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}

export interface StreamingRun {
  output: Buffer;
  mappers: number;
  counters: string;
}

export function hadoopStreaming(job: string, files: string[], splitsPerFile: number, env: NodeJS.ProcessEnv = {}, combine = true): StreamingRun {
  const node = process.execPath;
  const mapped: Buffer[] = [];
  let mappers = 0;
  let counters = '';
  for (const file of files) {
    const data = fs.readFileSync(file);
    for (const [start, end] of lineSplits(data, splitsPerFile)) {
      mappers++;
      const splitEnv = { ...env, mapreduce_map_input_file: file, mapreduce_map_input_start: String(start) };
      const r = spawnSync(node, [BIN, 'map', job], { input: data.subarray(start, end), env: { ...process.env, ...splitEnv }, maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`mrpipe map ${job} exited ${r.status}: ${r.stderr}`);
      counters += r.stderr.toString();
      let out: Buffer = r.stdout;
      if (combine) out = run(node, [BIN, 'combine', job], run('sort', ['-t', '\t', '-k1,1', '-s'], out), env);
      mapped.push(out);
    }
  }
  const sorted = run('sort', ['-t', '\t', '-k1,1', '-s'], Buffer.concat(mapped));
  const reduced = spawnSync(node, [BIN, 'reduce', job], { input: sorted, env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  if (reduced.status !== 0) throw new Error(`mrpipe reduce ${job} exited ${reduced.status}: ${reduced.stderr}`);
  return { output: reduced.stdout, mappers, counters: counters + reduced.stderr.toString() };
}
