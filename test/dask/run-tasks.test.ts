// The run-file forms of `mrpipe map` / `mrpipe reduce` that a Dask task runs, without Dask: a file cut in
// byte ranges, each mapped with --partitions 3 (the runtime's map side), each partition's runs reduced with
// --runs in map order, gives the part files of `mrpipe run --reducers 3` byte for byte — activity included,
// whose keys are partitioned by the job's group, which no line-protocol partitioner can do.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from '../cli/helpers.ts';

const R = 3;

async function ok(args: string[]): Promise<string> {
  const r = await mrpipe(args);
  if (r.status !== 0) throw new Error(`mrpipe ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
}

for (const [job, kind] of [['wordcount', 'text'], ['activity', 'activity']] as const) {
  test(`${job}: map --partitions on 3 ranges, reduce --runs per partition = mrpipe run --reducers ${R}`, async (t) => {
    const d = tempDir();
    try {
      const input = path.join(d.dir, 'in');
      await ok(['generate', kind, '-s', '600KB', '-o', input]);
      const size = fs.statSync(input).size;
      const cuts = [0, Math.floor(size / 3), Math.floor((2 * size) / 3), 'EOF'] as const;
      const runs: string[][] = Array.from({ length: R }, () => []);
      for (let i = 0; i < 3; i++) {
        const dir = path.join(d.dir, `m${i}`);
        fs.mkdirSync(dir);
        const m = JSON.parse(await ok(['map', job, input, '--partitions', String(R), '--run-dir', dir,
          '--start', String(cuts[i]), '--end', String(cuts[i + 1]), '--task-id', `map-${i}`]));
        t.is(m.runs.length, R);
        t.true(m.counters.mrpipe.mapInputRecords > 0);
        m.runs.forEach((names: string[], p: number) => runs[p].push(...names.map((n) => path.join(dir, n))));
      }
      const want = path.join(d.dir, 'want');
      await ok(['run', job, input, '-o', want, '--reducers', String(R), '-q']);
      for (let p = 0; p < R; p++) {
        const part = path.join(d.dir, `part-${p}`);
        const res = JSON.parse(await ok(['reduce', job, '--runs', '-o', part, '--', ...runs[p]]));
        t.true(res.counters.mrpipe.outputRecords > 0);
        t.true(fs.readFileSync(part).equals(fs.readFileSync(path.join(want, `part-0000${p}`))), `part ${p} differs`);
      }
      t.deepEqual(fs.readdirSync(d.dir).filter((n) => n.includes('.tmp-')), [], 'no temp part left');
    } finally {
      d.cleanup();
    }
  });
}

test('run-file forms: usage errors exit 2; a failing reduce leaves no temp part', async (t) => {
  const d = tempDir();
  try {
    const input = path.join(d.dir, 'in');
    fs.writeFileSync(input, 'a b\n');
    let r = await mrpipe(['map', 'wordcount', input, '--partitions', '2']);
    t.is(r.status, 2);
    t.regex(r.stderr, /--run-dir/);
    r = await mrpipe(['reduce', 'wordcount', '--runs', input]);
    t.is(r.status, 2);
    t.regex(r.stderr, /-o PART/);
    fs.mkdirSync(path.join(d.dir, 'runs'));
    await ok(['map', 'wordcount', input, '--partitions', '1', '--run-dir', path.join(d.dir, 'runs')]);
    r = await mrpipe(['reduce', '--map', '(l, emit) => emit(l, 1)', '--reduce', '() => { throw new Error("nope") }', '--runs',
      '-o', path.join(d.dir, 'part'), path.join(d.dir, 'runs', 's0-p0.run')]);
    t.is(r.status, 1);
    t.regex(r.stderr, /^mrpipe reduce: reduce failed for key "a": Error: nope\b/);
    t.deepEqual(fs.readdirSync(d.dir).sort(), ['in', 'runs']);
  } finally {
    d.cleanup();
  }
});
