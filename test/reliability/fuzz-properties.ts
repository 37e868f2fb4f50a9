// The fuzzing campaign, shared by the in-suite run (fuzz.test.ts, small) and the long mode
// (fuzz-long.ts, `npm run fuzz`): random bytes and random job options through the real runtime and the
// real Sorter, each compared with an in-memory reference written here from the documented semantics.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJob, type BuiltinName, type Job } from '../../lib/index.ts';
import { Sorter } from '../../operators/shuffle/sort/sorter.ts';
import { mapPlan } from '../runtime/helpers.ts';

/** Bytes that matter at boundaries (newline, CR, blanks, NUL, high bytes) plus any byte at all. */
export const bytesArb = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x20, 0x09) },
    { weight: 6, arbitrary: fc.constantFrom(0x61, 0x62, 0x63, 0x00, 0xff, 0xc3, 0xa9, 0x80) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  ),
  { maxLength },
).map((a) => Uint8Array.from(a));

type ReducerChoice = BuiltinName | 'user' | 'none';

export interface JobOptionsDraw {
  reducer: ReducerChoice;
  userCombine: boolean;
  mapTasks: number;
  split: boolean;
  splitSize: number;
  chunkSize: number;
  reducers: number;
  streaming: 'auto' | boolean;
  memoryMB: number;
}

export const jobOptionsArb: fc.Arbitrary<JobOptionsDraw> = fc.record({
  reducer: fc.constantFrom<ReducerChoice>('sum', 'count', 'min', 'max', 'first', 'collect', 'user', 'none'),
  userCombine: fc.boolean(),
  mapTasks: fc.integer({ min: 1, max: 8 }),
  split: fc.boolean(),
  splitSize: fc.integer({ min: 1, max: 4096 }),
  chunkSize: fc.integer({ min: 1, max: 4096 }),
  reducers: fc.integer({ min: 1, max: 4 }),
  streaming: fc.constantFrom<'auto' | boolean>('auto', true, false),
  memoryMB: fc.integer({ min: 4, max: 32 }),
});

/** Lines as the runtime reads them (latin1): split on LF, a CR right before the LF dropped, a last line without LF kept. */
export function referenceLines(bytes: Uint8Array): { line: string; offset: number }[] {
  const text = Buffer.from(bytes).toString('latin1');
  const out: { line: string; offset: number }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const line = nl !== -1 && end > start && text[end - 1] === '\r' ? text.slice(start, end - 1) : text.slice(start, end);
    out.push({ line, offset: start });
    start = end + 1;
  }
  return out;
}

const words = (line: string): string[] => line.split(/[ \t]+/).filter((w) => w !== '');

/** The job under test: every word with the byte offset of its line (so order-sensitive reducers are checked). */
export function fuzzJob(d: JobOptionsDraw): Job {
  const job: Job = {
    name: 'fuzz',
    encoding: 'latin1',
    map(line: string, emit, ctx) {
      for (const w of words(line)) emit(w, ctx.offset);
    },
  };
  if (d.reducer === 'user') {
    // Order-sensitive on purpose: the values in input order, joined.
    job.reduce = (_k: string, vs: Iterable<number | string>) => [...vs].join(',');
    if (d.userCombine) job.combine = (_k: string, vs: Iterable<number | string>) => [...vs].join(',');
  } else if (d.reducer !== 'none') job.reduce = d.reducer;
  return job;
}

/** What each key must map to, per the documented reducer semantics; map-only: every value in input order. */
export function reference(bytes: Uint8Array, d: JobOptionsDraw): Map<string, string[]> {
  const values = new Map<string, number[]>();
  for (const { line, offset } of referenceLines(bytes)) {
    for (const w of words(line)) {
      const vs = values.get(w);
      if (vs) vs.push(offset);
      else values.set(w, [offset]);
    }
  }
  const out = new Map<string, string[]>();
  for (const [k, vs] of values) {
    switch (d.reducer) {
      case 'sum': out.set(k, [String(vs.reduce((a, b) => a + b, 0))]); break;
      case 'count': out.set(k, [String(vs.length)]); break;
      case 'min': out.set(k, [String(Math.min(...vs))]); break;
      case 'max': out.set(k, [String(Math.max(...vs))]); break;
      case 'first': out.set(k, [String(vs[0])]); break;
      case 'collect': out.set(k, [JSON.stringify(vs)]); break;
      case 'user': out.set(k, [vs.join(',')]); break;
      case 'none': out.set(k, vs.map(String)); break;
    }
  }
  return out;
}

/** Reads OUT's parts: each part sorted by key (byte order), every key in exactly one part. */
export function readOutput(out: string): { byKey: Map<string, string[]>; problem: string } {
  const byKey = new Map<string, string[]>();
  let problem = '';
  for (const part of readdirSync(out).filter((n) => n.startsWith('part-')).sort()) {
    const text = readFileSync(join(out, part), 'latin1');
    let prev: string | undefined;
    for (const row of text.split('\n')) {
      if (row === '') continue;
      const tab = row.indexOf('\t');
      const k = row.slice(0, tab);
      if (prev !== undefined && prev > k) problem ||= `${part}: ${JSON.stringify(prev)} before ${JSON.stringify(k)}`;
      if (prev !== k && byKey.has(k)) problem ||= `key ${JSON.stringify(k)} in two places`;
      const vs = byKey.get(k) ?? [];
      vs.push(row.slice(tab + 1));
      byKey.set(k, vs);
      prev = k;
    }
  }
  return { byKey, problem };
}

/** One trial: run the job on `bytes` with options `d`; returns a description of the difference, or ''. */
export async function jobTrial(bytes: Uint8Array, d: JobOptionsDraw): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mrpipe-fuzz-'));
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, bytes);
    const out = join(dir, 'out');
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    await runJob(fuzzJob(d), {
      inputs: [file], output: out, tmpDir: tmp, workers: 1, handleSignals: false,
      ...mapPlan(d.streaming, { mapTasks: d.mapTasks, threshold: d.split ? 1 : '100MB', splitSize: d.splitSize }),
      reducers: d.reducers, chunkSize: d.chunkSize, streaming: d.streaming, memory: `${d.memoryMB}MB`,
    });
    const { byKey, problem } = readOutput(out);
    if (problem) return problem;
    const want = reference(bytes, d);
    if (byKey.size !== want.size) return `${byKey.size} keys, expected ${want.size}`;
    for (const [k, vs] of want) {
      const got = byKey.get(k);
      if (JSON.stringify(got) !== JSON.stringify(vs)) return `key ${JSON.stringify(k)}: ${JSON.stringify(got)}, expected ${JSON.stringify(vs)}`;
    }
    if (readdirSync(tmp).length !== 0) return `temp files left: ${readdirSync(tmp).join(' ')}`;
    return '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const jobProperty = (maxBytes: number): fc.IAsyncPropertyWithHooks<[Uint8Array, JobOptionsDraw]> =>
  fc.asyncProperty(bytesArb(maxBytes), jobOptionsArb, async (bytes, d) => {
    const diff = await jobTrial(bytes, d);
    if (diff) throw new Error(diff);
  });

export interface SortDraw {
  lines: string[];
  memory: number;
  fanIn: number;
  reverse: boolean;
  unique: boolean;
}

const lineArb = fc.array(fc.constantFrom('a', 'b', 'z', ' ', '\t', '\0', '\x7f', '\x80', '\xe9', '\xff', '1', '10', '-'), { maxLength: 12 }).map((cs) => cs.join(''));

export const sortArb = (maxLines: number): fc.Arbitrary<SortDraw> => fc.record({
  lines: fc.array(lineArb, { maxLength: maxLines }),
  memory: fc.integer({ min: 64, max: 8192 }),
  fanIn: fc.integer({ min: 2, max: 16 }),
  reverse: fc.boolean(),
  unique: fc.boolean(),
});

/** Byte order (latin1 strings compare as their bytes), stable, as LC_ALL=C sort -s. */
export function referenceSort(d: SortDraw): string[] {
  const sorted = d.lines.map((l, i) => [l, i] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1])).map((x) => x[0]);
  if (d.reverse) sorted.reverse();
  return d.unique ? sorted.filter((l, i) => i === 0 || l !== sorted[i - 1]) : sorted;
}

/** One Sorter trial under a tiny budget (many runs, several merge passes); '' when it matches. */
export function sortTrial(d: SortDraw): string {
  const tmp = mkdtempSync(join(tmpdir(), 'mrpipe-fuzz-sort-'));
  try {
    const sorter = new Sorter<string>({ memory: d.memory, fanIn: d.fanIn, tmpDir: tmp, reverse: d.reverse, unique: d.unique });
    for (const l of d.lines) sorter.push(l);
    const got = [...sorter.finish()];
    sorter.dispose();
    const want = referenceSort(d);
    if (JSON.stringify(got) !== JSON.stringify(want)) return `got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    const left = readdirSync(tmp, { recursive: true });
    if (left.length !== 0) return `temp files left: ${left.join(' ')}`;
    return '';
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const sortProperty = (maxLines: number): fc.IPropertyWithHooks<[SortDraw]> =>
  fc.property(sortArb(maxLines), (d) => {
    const diff = sortTrial(d);
    if (diff) throw new Error(diff);
  });
