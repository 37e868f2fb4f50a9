// Input and output formats, built-in reducers, map-only jobs, secondary sort, setup/teardown and counters,
// output to a stream, inline jobs.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { runJob, type Job } from '../../lib/index.ts';
import { allLines, byteOrder, FIXTURES, mapPlan, readParts, referenceWordCount, tempDir } from './helpers.ts';

test('jsonl input through workers, user counters in _COUNTERS.json, same as in-memory', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const recs = Array.from({ length: 5000 }, (_, i) => ({ user: `u${i % 37}`, event: ['view', 'click', 'buy'][i % 3], bytes: i % 100 }));
    const file = join(dir, 'ev.jsonl');
    writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n\n');
    const expected = new Map<string, number>();
    for (const r of recs) expected.set(`${r.user}\t${r.event}`, (expected.get(`${r.user}\t${r.event}`) ?? 0) + r.bytes);
    const want = [...expected].map(([k, v]) => `${k}\t${v}`).sort(byteOrder);
    for (const streaming of [true, false]) {
      const out = join(dir, `out-${streaming}`);
      await runJob(join(FIXTURES, 'events.ts'), { inputs: [file], output: out, ...mapPlan(streaming, { mapTasks: 3 }), reducers: 2, workers: 2, streaming });
      t.deepEqual(allLines(out), want);
      const counters = JSON.parse(readFileSync(join(out, '_COUNTERS.json'), 'utf8'));
      t.deepEqual(counters.events, { buy: 1666, click: 1667, view: 1667 });
      t.is(counters.mrpipe.outputRecords, want.length);
    }
  } finally {
    cleanup();
  }
});

test('json array input of a few MB is streamed element by element (and .gz)', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const recs = Array.from({ length: 40000 }, (_, i) => ({ id: i, tag: `t${i % 101}`, nested: { v: [i, 'x'.repeat(i % 50)] } }));
    const text = JSON.stringify(recs, null, 1);
    t.true(text.length > 3_000_000);
    writeFileSync(join(dir, 'a.json'), text);
    writeFileSync(join(dir, 'b.json.gz'), gzipSync(text));
    const job: Job<{ tag: string; id: number }> = {
      input: 'json',
      map: (r, emit, ctx) => emit(r.tag, ctx.index === r.id ? 1 : 1000),
      reduce: 'count',
    };
    const want = Array.from({ length: 101 }, (_, i) => `t${i}`).sort(byteOrder)
      .map((k) => `${k}\t${2 * recs.filter((r) => r.tag === k).length}`);
    const out = join(dir, 'out');
    await runJob(job, { inputs: [join(dir, 'a.json'), join(dir, 'b.json.gz')], output: out, streaming: true, reducers: 2 });
    t.deepEqual(allLines(out), want);
    const notArray = join(dir, 'obj.json');
    writeFileSync(notArray, '{"a": 1}');
    const err = await t.throwsAsync(runJob(job, { inputs: [notArray], output: join(dir, 'o2'), streaming: true }));
    t.regex(err.message, /obj\.json: not a JSON array/);
  } finally {
    cleanup();
  }
});

test('.gz line input is read through zlib and gives the same output', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const text = Array.from({ length: 20000 }, (_, i) => `k${i % 313} v${i % 7}`).join('\n');
    writeFileSync(join(dir, 'in.txt.gz'), gzipSync(text));
    for (const streaming of [true, false]) {
      const out = join(dir, `out-${streaming}`);
      await runJob(join(FIXTURES, 'wordcount.ts'), { inputs: [join(dir, '*.gz')], output: out, streaming, workers: 1, reducers: 2, chunkSize: 1000 });
      t.deepEqual(allLines(out), referenceWordCount(text));
    }
    const bad = join(dir, 'trunc.txt.gz');
    writeFileSync(bad, gzipSync(text).subarray(0, 500));
    const err = await t.throwsAsync(runJob(join(FIXTURES, 'wordcount.ts'), { inputs: [bad], output: join(dir, 'o3'), streaming: true, maxAttempts: 1 }));
    t.regex(err.message, /trunc\.txt\.gz: cannot gunzip/);
  } finally {
    cleanup();
  }
});

test('built-in reducers min/max/first/collect and a map-only job are plan-independent', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const lines = Array.from({ length: 2000 }, (_, i) => `${['x', 'y', 'z', 'é'][i % 4]} ${(i * 37) % 101} ${i}`);
    const file = join(dir, 'in.txt');
    writeFileSync(file, lines.join('\n'));
    const parse = (l: string) => l.split(' ');
    const jobs: Record<string, Job> = {
      min: { map: (l: string, e) => { const [k, v] = parse(l); e(k, Number(v)); }, reduce: 'min' },
      max: { map: (l: string, e) => { const [k, v] = parse(l); e(k, Number(v)); }, reduce: 'max' },
      first: { map: (l: string, e) => { const [k, , i] = parse(l); e(k, Number(i)); }, reduce: 'first' },
      collect: { map: (l: string, e) => { const [k, , i] = parse(l); e(k, { i: Number(i) }); }, reduce: 'collect', output: 'jsonl' },
      mapOnly: { map: (l: string, e, ctx) => { const [k, v] = parse(l); e(`${k}${v}`, ctx.line); } },
    };
    for (const [name, job] of Object.entries(jobs)) {
      let first: string[] | undefined;
      for (const [mapTasks, streaming, chunkSize] of [[1, false, 1 << 20], [5, true, 333], [8, true, 64], [2, true, 1 << 20]] as const) {
        const out = join(dir, `${name}-${mapTasks}-${streaming}`);
        await runJob({ ...job, split: name !== 'mapOnly' }, { inputs: [file], output: out, ...mapPlan(streaming, { mapTasks }), streaming, reducers: 2, chunkSize });
        const parts = readParts(out);
        if (first) t.deepEqual(parts, first, `${name} mapTasks=${mapTasks}`);
        else first = parts;
      }
      if (name === 'first') t.deepEqual(allLines(join(dir, 'first-1-false')), ['x\t0', 'y\t1', 'z\t2', 'é\t3']);
      if (name === 'collect') {
        const x = JSON.parse(readParts(join(dir, 'collect-8-true')).join('').split('\n').find((l) => l.includes('"x"')) as string);
        t.deepEqual(x.value.map((o: { i: number }) => o.i), Array.from({ length: 500 }, (_, i) => i * 4));
      }
      if (name === 'mapOnly') t.is(allLines(join(dir, 'mapOnly-8-true')).length, 2000);
    }
  } finally {
    cleanup();
  }
});

test('secondary sort: group(key) partitions and groups, values arrive in full-key order', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const recs: string[] = [];
    for (let u = 0; u < 50; u++) for (let i = 0; i < 40; i++) recs.push(JSON.stringify({ user: `u${u}`, ts: ((i * 7919 + u) % 40) * (u % 5 === 0 ? 100 : 10) }));
    const file = join(dir, 'ev.jsonl');
    writeFileSync(file, recs.join('\n'));
    for (const [streaming, reducers] of [[true, 3], [false, 2]] as const) {
      const out = join(dir, `out-${streaming}`);
      await runJob(join(FIXTURES, 'sessions.ts'), { inputs: [file], output: out, ...mapPlan(streaming, { mapTasks: 4 }), reducers, streaming, workers: 2 });
      const lines = allLines(out);
      t.is(lines.length, 50);
      for (const l of lines) {
        const [user, n] = l.split('\t');
        t.is(Number(n), Number(user.slice(1)) % 5 === 0 ? 40 : 1, l);
      }
    }
  } finally {
    cleanup();
  }
});

test('setup/teardown run once per task; output to a stream is in key order; inline jobs run in workers', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'b a\nc a\n');
    const calls: string[] = [];
    const job: Job = {
      map: (l: string, e) => { for (const w of l.split(' ')) e(w, 1); },
      reduce: 'count',
      setup: (ctx) => { calls.push(`setup ${ctx.kind}`); },
      teardown: (ctx) => { calls.push(`teardown ${ctx.kind}`); },
    };
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const r = await runJob(job, { inputs: [file], output: sink, mapTasks: 2, reducers: 4, streaming: true });
    t.is(r.reducers, 1);
    t.is(Buffer.concat(chunks).toString(), 'a\t2\nb\t1\nc\t1\n');
    t.deepEqual(calls.sort(), ['setup map', 'setup map', 'setup reduce', 'teardown map', 'teardown map', 'teardown reduce']);
    const out = join(dir, 'inline');
    await runJob({ map: '(l, emit) => l.split(" ").forEach((w) => emit(w.toUpperCase(), 1))', reduce: 'sum' },
      { inputs: [file], output: out, streaming: true, workers: 2, mapTasks: 2 });
    t.deepEqual(allLines(out), ['A\t2', 'B\t1', 'C\t1']);
  } finally {
    cleanup();
  }
});

test('a built-in combine (sum, max, collect) with a function reduce: the reduce gets combined values, one per key per map task', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const lines = Array.from({ length: 3000 }, (_, i) => `k${i % 7} k${i % 3} ${i % 11 === 0 ? 'rare' : ''}`);
    const file = join(dir, 'in.txt');
    writeFileSync(file, lines.join('\n'));
    const expected = new Map<string, number>();
    for (const l of lines) for (const w of l.split(' ')) if (w) expected.set(w, (expected.get(w) ?? 0) + 2);
    for (const combine of ['sum', 'max', 'collect'] as const) {
      const job: Job = {
        map: (l: string, emit) => { for (const w of l.split(' ')) if (w) emit(w, 2); },
        combine,
        // Reports how many values reached it, and their total (collect's values are arrays).
        reduce: (_k, values: Iterable<number | number[]>) => {
          let n = 0;
          let total = 0;
          for (const v of values) { n++; total += Array.isArray(v) ? v.reduce((a, b) => a + b, 0) : v; }
          return `${n} ${total}`;
        },
      };
      const out = join(dir, `out-${combine}`);
      await runJob(job, { inputs: [file], output: out, mapTasks: 3, streaming: true, reducers: 2, chunkSize: 4096 });
      const got = new Map(allLines(out).map((l) => { const [k, v] = l.split('\t'); return [k, v.split(' ').map(Number)] as const; }));
      t.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), combine);
      for (const [k, [n, total]] of got) {
        t.true(n <= 3, `${combine} ${k}: ${n} values reached reduce, one per map task`);
        if (combine !== 'max') t.is(total, expected.get(k) ?? -1, `${combine} ${k}`);
        else t.is(total / n, 2, `${combine} ${k}: max of 2s`);
      }
    }
  } finally {
    cleanup();
  }
});
