// One run format: a map task's runs are the shuffle's pair runs (pairCodec's payload), whatever the
// collector's path — the counting spill that writes key bytes from its arena, the other built-ins, a user
// combine, plain pairs. Read back with the operators' own pairCodec, every run is sorted by UTF-8 bytes,
// holds only keys of its partition (partitionOf) and carries the values the reducer would see.
import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector, type CollectorOptions } from '../../lib/runtime/collector.ts';
import { builtins, compareUtf8, mergeCursors, pairCodec, partitionOf, readRun, RunReader } from '../../operators/shuffle/index.ts';
import { mergeInto, openMerged, openMergedRaw, valueOf } from '../../lib/runtime/runs.ts';
import type { CombineFn } from '../../lib/job/types.ts';

type Emitted = [string, unknown][];

function collect(emitted: Emitted, o: Partial<CollectorOptions>): { dir: string; runs: string[][]; spills: number } {
  const dir = mkdtempSync(join(tmpdir(), 'mrpipe-run-format-'));
  const c = new Collector({ partitions: 3, budget: 1 << 16, dir, encoding: 'utf8', writeBuffer: 1 << 14, ...o });
  for (const [k, v] of emitted) c.add(k, v);
  c.spill();
  return { dir, runs: c.runs, spills: c.spills };
}

/** Every run read with pairCodec: sorted by UTF-8 bytes, in its partition; returns all pairs read. */
function readAll(t: { true: (b: boolean, m?: string) => void }, dir: string, runs: string[][], encoding: 'utf8' | 'latin1'): Emitted {
  const all: Emitted = [];
  runs.forEach((names, p) => {
    for (const name of names) {
      const pairs = [...readRun(join(dir, name), pairCodec('utf8'))] as Emitted;
      for (let i = 1; i < pairs.length; i++) t.true(compareUtf8(pairs[i - 1][0], pairs[i][0]) <= 0, `${name} sorted`);
      for (const [k] of pairs) t.true(partitionOf(k, runs.length, encoding) === p, `${JSON.stringify(k)} in partition ${p}`);
      all.push(...pairs);
    }
  });
  return all;
}

const totals = (emitted: Emitted): Map<string, number> => {
  const m = new Map<string, number>();
  for (const [k, v] of emitted) m.set(k, (m.get(k) ?? 0) + (v as number));
  return m;
};

const keyArb = fc.oneof(
  fc.constantFrom('', 'a', 'ab', 'a\u0001', 'a\t', 'é', 'x\u00ff', '日本', '😀', 'identifier_long_enough_to_not_pack'),
  fc.string({ maxLength: 14 }),
  fc.string({ unit: 'binary', maxLength: 14 }),
);

test('sum and count spills (key bytes from the arena) are pair runs: sorted, partitioned by partitionOf, counts exact', (t) => {
  fc.assert(fc.property(
    fc.array(fc.tuple(keyArb, fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(2 ** 40))), { maxLength: 600 }),
    fc.constantFrom('utf8', 'latin1'),
    fc.boolean(),
    (raw, enc, count) => {
      // Lone surrogates encode as U+FFFD in UTF-8 runs: keep keys well-formed so totals compare by key.
      const emitted: Emitted = raw.map(([k, v]) => [enc === 'latin1' ? k.replace(/[\u0100-\uffff]/g, 'Z') : Buffer.from(k).toString(), v]);
      const { dir, runs } = collect(emitted, { agg: count ? builtins.count : builtins.sum, encoding: enc, budget: 4096 });
      try {
        const got = new Map<string, number>();
        for (const [k, v] of readAll(t, dir, runs, enc)) got.set(k, (got.get(k) ?? 0) + (v as number));
        const want = count ? totals(emitted.map(([k]) => [k, 1])) : totals(emitted);
        t.is(got.size, want.size);
        for (const [k, v] of want) t.true(Math.abs((got.get(k) ?? NaN) - v) <= 1e-6 * Math.max(1, Math.abs(v)), JSON.stringify(k));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  ), { numRuns: 60 });
});

test('other values keep their meaning: -0 as 0, undefined as no value, lone surrogates and objects as JSON', (t) => {
  const emitted: Emitted = [
    ['k', -0], ['k', 1.5], ['k', 2 ** 31], ['k', undefined], ['k', 'text'], ['k', '\ud800'], ['k', { a: [1, null] }], ['k', [1, 'x']], ['k', true],
  ];
  const { dir, runs } = collect(emitted, { partitions: 1 });
  try {
    const pairs = readAll(t, dir, runs, 'utf8');
    t.deepEqual(pairs.map(([, v]) => v), [0, 1.5, 2 ** 31, undefined, 'text', '\ud800', { a: [1, null] }, [1, 'x'], true]);
    t.true(Object.is(pairs[0][1], 0));
    // The runtime's own merge reads the same values (JSON parsed only when asked).
    const cur = openMerged(runs[0].map((n) => join(dir, n)), { fanIn: 2, bufferSize: 1 << 14, scratchDir: dir });
    const vals: unknown[] = [];
    while (cur.advance()) vals.push(valueOf(cur.current));
    t.deepEqual(vals, pairs.map(([, v]) => v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a user combine, max and plain pairs spill the same format; merge passes copy payloads (raw) stably', (t) => {
  const keys = ['b', 'a', 'é', 'a\u0001', 'a', 'ab'];
  const emitted: Emitted = Array.from({ length: 3000 }, (_, i) => [`${keys[i % keys.length]}${i % 400}`, i]);
  const combine: CombineFn = (_k, vs) => { let m = -Infinity; for (const v of vs) m = Math.max(m, v as number); return m; };
  for (const o of [{ combine }, { agg: builtins.max }, {}] as Partial<CollectorOptions>[]) {
    const { dir, runs, spills } = collect(emitted, { ...o, partitions: 1, budget: 2048 });
    try {
      t.true(spills > 3);
      readAll(t, dir, runs, 'utf8');
      const paths = runs[0].map((n) => join(dir, n));
      // fan-in 2 forces intermediate passes (raw payload copies); the result equals a direct merge.
      const viaPasses: Emitted = [];
      const cur = openMerged(paths, { fanIn: 2, bufferSize: 1 << 14, scratchDir: dir });
      while (cur.advance()) viaPasses.push([cur.current.key, valueOf(cur.current)]);
      const direct = [...mergeCursors(paths.map((p) => new RunReader(p, pairCodec('utf8'))), (a, b) => compareUtf8(a[0], b[0]))];
      t.deepEqual(viaPasses, direct);
      let raws = 0;
      const raw = openMergedRaw(paths, { fanIn: 3, bufferSize: 1 << 14, scratchDir: dir });
      while (raw.advance()) raws++;
      t.is(raws, direct.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a map task merges its spills into one run per partition: sum/count add up equal keys, others keep every record in order', (t) => {
  const keys = ['b', 'a', 'é', 'a\u0001', '日本', 'ab', 'identifier_long_enough_to_not_pack'];
  const emitted: Emitted = Array.from({ length: 4000 }, (_, i) => [`${keys[i % keys.length]}${i % 300}`, i % 3 === 0 ? 0.5 : 2]);
  for (const sum of [true, false]) {
    const { dir, runs } = collect(emitted, { partitions: 1, budget: 2048, agg: sum ? builtins.sum : builtins.max });
    try {
      const paths = runs[0].map((n) => join(dir, n));
      t.true(paths.length > 16, 'more spills than one merge takes');
      const out = join(dir, 'merged.run');
      const before = [...mergeCursors(paths.map((p) => new RunReader(p, pairCodec('utf8'))), (a, b) => compareUtf8(a[0], b[0]))];
      const { records: written } = mergeInto(paths, out, { fanIn: 4, bufferSize: 1 << 14, scratchDir: dir }, sum);
      const merged = [...readRun(out, pairCodec('utf8'))] as Emitted;
      t.is(written, merged.length);
      if (sum) {
        t.deepEqual(merged, [...totals(emitted)].sort((a, b) => compareUtf8(a[0], b[0])));
      } else {
        t.deepEqual(merged, before);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('map tasks merge their spills only down to fan-in / map tasks runs: first, collect and sum give the in-memory results', async (t) => {
  const { runJob } = await import('../../lib/runtime/run-job.ts');
  const { writeFileSync, readFileSync, readdirSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'mrpipe-run-format-'));
  try {
    // 300,000 lines, each key twice in a task, far apart: at --memory 8MB over 2 workers (a 4 MiB share, merge fan-in 18) each of
    // 4 map tasks spills many times and may leave 18 / 4 = 4 runs.
    const lines = Array.from({ length: 300_000 }, (_, i) => `k${(i * 7919) % 37_500}-${"x".repeat(i % 20)} ${i}`);
    const file = join(dir, 'in.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const parse = (l: string) => l.split(' ');
    const jobs = {
      first: { map: (l: string, e: (k: string, v: unknown) => void) => { const [k, i] = parse(l); e(k, Number(i)); }, reduce: 'first' as const },
      collect: { map: (l: string, e: (k: string, v: unknown) => void) => { const [k, i] = parse(l); e(k, Number(i)); }, reduce: 'collect' as const, output: 'jsonl' as const },
      sum: { map: (l: string, e: (k: string, v: unknown) => void) => { const [k] = parse(l); e(k, 1); }, reduce: 'sum' as const },
    };
    const text = (out: string) => readdirSync(out).filter((n) => n.startsWith('part-')).sort().map((n) => readFileSync(join(out, n), 'utf8')).join('');
    for (const [name, job] of Object.entries(jobs)) {
      const memory = join(dir, `${name}-memory`);
      await runJob(job, { inputs: [file], output: memory, streaming: false, reducers: 2 });
      const out = join(dir, `${name}-streaming`);
      const r = await runJob(job, { inputs: [file], output: out, streaming: true, mapTasks: 4, workers: 2, reducers: 2, memory: 8 << 20, chunkSize: 4096 });
      const c = r.counters.mrpipe;
      t.true(c.spilledRuns > 4 * 4 * 2, `${name}: ${c.spilledRuns} spilled runs, more than 4 a task and partition`);
      t.true((c.mergePasses ?? 0) >= 1, `${name}: some task merged its spills`);
      t.is(text(out), text(memory), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
