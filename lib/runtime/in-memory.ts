// The in-memory ("traditional") path for small inputs: each file read in chunks, everything emitted held
// in one Map, then sorted and written. Same record handling (the map task's loop) and same partitioning,
// order and reduce semantics as the streaming path, so the output is byte-identical. Values are
// JSON-round-tripped like the streaming path's run files do. What the Map holds is estimated as it grows:
// past the caller's limit the run stops (OverBudget) and the job takes the streaming path instead.
import { join } from 'node:path';
import bytes from 'bytes';
import { renameSync } from 'node:fs';
import type { ResolvedJob } from '../job/load.ts';
import { formatRecord } from '../job/format.ts';
import type { Counters, ReduceContext } from '../job/types.ts';
import { addCounter, BUILTIN_GROUP, mergeCounters } from './counters.ts';
import type { InputFile } from './inputs.ts';
import { callReduce, reduceEmit, valueJson } from '../job/checks.ts';
import { compareKeys, partitionOf } from './keys.ts';
import { KeyGroups, type KeyedSource } from '../../operators/shuffle/keyed/group.ts';
import { runMapTask, type MapSink } from './map-task.ts';
import { PartWriter } from './reduce-task.ts';
import type { TaskEnv, TaskProgress } from './task-types.ts';
import { partName } from './parts.ts';

function roundTrip(v: unknown, key = ''): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : valueJson(key, v);
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.parse(valueJson(key, v) as string);
}

/** Estimated bytes of a Map entry beyond its key's chars: entry and hash-table slack, key string header,
 * boxed value, the key's slot in the sort, and the garbage that comes with them (measured ~170 bytes of
 * RSS per distinct 5-char key under word count, budget.ts). */
const ENTRY_BYTES = 160;

/** Estimated heap bytes of a held value (strings at two bytes a char, the worst case). */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return 24 + 2 * v.length;
  if (v === null || typeof v !== 'object') return 16;
  return 32 + 2 * (JSON.stringify(v)?.length ?? 0);
}

class MemorySink implements MapSink {
  readonly map = new Map<string, any>();
  /** Estimated bytes the map holds. */
  bytes = 0;
  private readonly job: ResolvedJob;
  constructor(job: ResolvedJob) {
    this.job = job;
  }
  add(key: string, value: unknown): void {
    const v = roundTrip(value, key);
    // A built-in reduce or combine aggregates as it goes (one partial per key), as the collector does.
    const agg = this.job.agg ?? this.job.combineAgg;
    const m = this.map;
    const cur = m.get(key);
    if (cur === undefined && !m.has(key)) this.bytes += ENTRY_BYTES + 2 * key.length;
    if (agg) {
      if (cur === undefined && !m.has(key)) m.set(key, agg.init(v, key));
      else m.set(key, agg.add(cur, v, key));
      // Scalar accumulators (sum, count, min…) do not grow; collecting ones keep every value.
      if (typeof m.get(key) === 'object') this.bytes += valueBytes(v);
    } else {
      if (cur === undefined) m.set(key, [v]);
      else cur.push(v);
      this.bytes += 8 + valueBytes(v);
    }
  }
}

/** Thrown by runInMemory when what the job emits outgrows the limit it was given. */
export class OverBudget extends Error {
  constructor(held: number, limit: number) {
    super(`the in-memory path would hold more than ${limit} bytes (${held} estimated so far)`);
    this.name = 'OverBudget';
  }
}

/** The forced in-memory path (streaming: false) held more than the whole budget: the job fails rather
 * than grow past it (under auto it goes on streaming instead). */
export function inMemoryOverBudget(memory: number): Error {
  return new Error(`the in-memory path (streaming: false) would hold more than the memory budget of ${bytes.format(memory)}: `
    + "raise memory, or let the job stream (streaming: 'auto' or true)");
}

export interface InMemoryLimits {
  /** Estimated bytes the Map may hold before the run stops with OverBudget; undefined = no limit. */
  hold?: number;
  /** Checked between batches of the output loop (the map loop yields between chunk reads). */
  signal?: AbortSignal;
}

/** Keys written between two checks of the signal (each check yields to the event loop once). */
const KEYS_PER_YIELD = 1 << 15;

/**
 * Keys in byte order of their UTF-8 encoding. V8's comparator-less sort (native, code-unit order) is that
 * order unless a surrogate meets a unit in U+E000–FFFF: only keys with a unit ≥ U+D800 need compareKeys
 * (with it, 800 k keys took ~1.5 s; natively ~0.3 s).
 */
function sortKeys(keys: string[]): string[] {
  keys.sort();
  for (const k of keys) if (/[\ud800-\uffff]/.test(k)) return keys.sort(compareKeys);
  return keys;
}

export { partName } from './parts.ts';

/**
 * The held keys (in order) as a key-sorted source of records for KeyGroups: a key's accumulator when the
 * Map holds one per key (`held`), else each of its values.
 */
function heldSource(keys: readonly string[], map: Map<string, any>, held: boolean): KeyedSource<unknown> {
  let i = -1;
  let j = 0;
  let values: readonly unknown[] = [];
  return {
    advance() {
      if (++j < values.length) return true;
      while (++i < keys.length) {
        values = held ? [roundTrip(map.get(keys[i]), keys[i])] : map.get(keys[i]) as unknown[];
        j = 0;
        if (values.length > 0) return true;
      }
      return false;
    },
    key: () => keys[i],
    value: () => values[j],
  };
}

/**
 * Runs the whole job in this thread; writes part files into stage. Returns the counters. Files are read in
 * env.chunkSize chunks (each read is an async call, so signals are handled between chunks), and what the
 * Map holds is checked after each chunk against limits.hold.
 */
export async function runInMemory(
  job: ResolvedJob, files: InputFile[], env: TaskEnv, stage: string, onProgress: (p: TaskProgress) => void,
  limits: InMemoryLimits = {},
): Promise<Counters> {
  const counters: Counters = {};
  const sink = new MemorySink(job);
  const { hold, signal } = limits;
  const checked = (p: TaskProgress) => {
    if (hold !== undefined && sink.bytes > hold) throw new OverBudget(sink.bytes, hold);
    onProgress(p);
  };
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const id = `map-${i}`;
    const r = await runMapTask(job, {
      kind: 'map', id, index: i, path: f.path, name: f.name, gz: f.gz, start: 0, end: Infinity, dir: '', size: f.size, mtimeMs: f.mtimeMs,
    }, env, checked, sink);
    mergeCounters(counters, r.counters);
  }
  if (hold !== undefined && sink.bytes > hold) throw new OverBudget(sink.bytes, hold);
  let written = 0;
  /** True once per KEYS_PER_YIELD keys: time for breathe(). */
  const due = (n: number) => (written += n) >= KEYS_PER_YIELD;
  /** Between batches of keys: let a signal's handler run, then stop if it aborted the job. */
  const breathe = async () => {
    written = 0;
    await new Promise(setImmediate);
    signal?.throwIfAborted();
  };
  const keys = sortKeys([...sink.map.keys()]);
  const R = env.partitions;
  const byPart: string[][] = Array.from({ length: R }, () => []);
  for (const k of keys) byPart[partitionOf(job.group ? job.group(k) : k, R, job.encoding)].push(k);
  const fmt = job.output;
  let groups = 0;
  let outRecords = 0;
  for (let p = 0; p < R; p++) {
    const final = join(stage, partName(p));
    const tmp = `${final}.tmp`;
    const out = new PartWriter(tmp, job.encoding);
    try {
      const ks = byPart[p];
      const reduce = job.reduce;
      const held = job.agg ?? job.combineAgg;
      if (!reduce) {
        for (const k of ks) {
          for (const v of held ? [roundTrip(sink.map.get(k), k)] : sink.map.get(k) as unknown[]) out.write(formatRecord(k, v, fmt));
          if (due(1)) await breathe();
        }
      } else {
        const ctx: ReduceContext = {
          key: '', taskId: `reduce-${p}`, counter: (g, n, c = 1) => addCounter(counters, g, n, c),
          emit: reduceEmit((k, v) => out.write(formatRecord(k, v, fmt))),
        };
        const agg = job.agg;
        if (agg && !job.group) {
          // A built-in reduce over one held accumulator per key: its result, without a generator per key.
          for (const k of ks) {
            out.write(formatRecord(k, agg.result(roundTrip(sink.map.get(k), k), k), fmt));
            if (due(1)) await breathe();
          }
          groups += ks.length;
        }
        // Any other reduce: the one group-by-key (KeyGroups, as the reduce tasks use it) over the held keys.
        const grouped = new KeyGroups(heldSource(agg && !job.group ? [] : ks, sink.map, held !== undefined),
          { group: job.group, onValue: (k) => { ctx.key = k; } });
        for (let g = grouped.nextGroup(); g !== null; g = grouped.nextGroup()) {
          const before = grouped.records;
          const r = callReduce(reduce, g, grouped.values(), ctx);
          if (r !== undefined) out.write(formatRecord(g, r, fmt));
          groups++;
          if (due(Math.max(1, grouped.records - before))) await breathe();
        }
      }
      out.close();
      outRecords += out.records;
      renameSync(tmp, final);
    } finally {
      out.close();
    }
  }
  if (job.reduce) addCounter(counters, BUILTIN_GROUP, 'reduceInputGroups', groups);
  addCounter(counters, BUILTIN_GROUP, 'outputRecords', outRecords);
  return counters;
}
