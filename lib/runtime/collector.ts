// The map side of the shuffle: what map emits is held under a byte budget, aggregated first when the job
// allows (a built-in reducer's accumulators, or a user combine), and spilled as one sorted run per
// partition when the budget is full and at the end of the task.
import { join } from 'node:path';
import { builtins, checkSum, type Aggregator } from '../../operators/shuffle/keyed/builtins.ts';
import { allocRunBuffer, copyBytes, varintSize, writeTaggedNumber, writeVarint, type Codec, type RunBuffer } from '../../operators/shuffle/runs/codec.ts';
import { RunWriter } from '../../operators/shuffle/runs/runfile.ts';
import { sortOrder } from '../../operators/shuffle/sort/prefixsort.ts';
import { sortRanges, sortScratch, type SortScratch } from '../../operators/shuffle/linesort/bytesort.ts';
import { callCombine, valueJson } from '../job/checks.ts';
import type { CombineFn } from '../job/types.ts';
import { partitionOf } from './keys.ts';
import { KeyTable } from '../../operators/shuffle/keyed/key-table.ts';
import { RunIndexer, runWriter, type RunIndex, type RunRecord, type RunValue } from './runs.ts';

/** Rough heap cost of a held entry beyond its key and value (Map slot or array slots, string headers). */
const ENTRY_OVERHEAD = 104;
/** A user combine runs once this many values are pending for one key. */
const COMBINE_EVERY = 32;

/** An emitted value as a run carries it: a finite number natively (-0 as 0, as JSON has it), anything
 * else as its checked JSON text (valueJson: what JSON would silently change is an error naming the key). */
export function runValue(key: string, v: unknown): RunValue {
  return typeof v === 'number' && v - v === 0 ? v + 0 : valueJson(key, v);
}

/** Rough heap bytes of an emitted value. Arrays of numbers and strings (counters, [count, bytes] pairs)
 * are costed element by element: serialising each one to measure it cost 9% of a log-analysis job. */
export function valueCost(v: unknown): number {
  switch (typeof v) {
    case 'number': case 'boolean': case 'undefined': return 16;
    case 'string': return 24 + 2 * v.length;
    default: {
      if (v === null) return 16;
      if (Array.isArray(v) && v.length <= 64) {
        let cost = 32 + 8 * v.length;
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x === 'number') cost += 8;
          else if (typeof x === 'string') cost += 24 + 2 * x.length;
          else return 48 + 2 * (JSON.stringify(v)?.length ?? 0);
        }
        return cost;
      }
      return 48 + 2 * (JSON.stringify(v)?.length ?? 0);
    }
  }
}

/**
 * The counting table and spill buffer of the last counting collector this thread released (at the end of
 * its map task), for the next one to reuse: a new one grew from 1,024 keys to its budget again in every
 * task, and the churn of those arrays and of a 512 KiB buffer per spill (memory outside the heap) made V8
 * run ~5 full collections per worker on 300 MB.
 */
let spare: { table: KeyTable; writeBuffer: RunBuffer } | undefined;

/** Whether a collector for this aggregator counts: its keys kept as bytes in typed arrays, off the V8 heap. */
export function countsOffHeap(agg: Aggregator | undefined): boolean {
  return agg === builtins.sum || agg === builtins.count;
}

export interface CollectorOptions {
  partitions: number;
  budget: number;
  dir: string;
  agg?: Aggregator;
  combine?: CombineFn;
  group?: (key: string) => string;
  /** How keys hash: latin1 jobs' keys are byte strings. */
  encoding: 'utf8' | 'latin1';
  writeBuffer: number;
  onSpill?: () => void;
}

export class Collector {
  /** runs[p] = run file names (relative to dir) of partition p, in spill order. */
  readonly runs: string[][];
  /** indexes[p][i]: the sparse index of runs[p][i] (runs.ts RunIndexer). */
  readonly indexes: RunIndex[][];
  spills = 0;
  recordsWritten = 0;
  private bytes = 0;
  private readonly o: CollectorOptions;
  /** Aggregating paths: the distinct keys held; their values are in the table's slots (sum/count) or accs[id].
   * Counting jobs keep no key strings: the table holds each key's UTF-8 bytes, so a spill sorts and writes
   * bytes (sortRanges) and its memory is known to the byte (key-table.ts, bytes mode). */
  private readonly table: KeyTable;
  /** An accumulator per key (other built-ins), or the pending values per key (user combine). */
  private accs: unknown[] = [];
  private keys: string[] = [];
  private vals: RunValue[] = [];
  private scratch: SortScratch | undefined;
  /** The counting spill's write buffer, one for every run it writes. */
  private writeBuffer: RunBuffer | undefined;

  /** Adds an emitted pair (a specialised closure for counting jobs, the general path otherwise). */
  readonly add: (key: string, value: unknown) => void;
  /** A sum/count job: every value in its runs is a tagged number, and equal keys' values add up. */
  readonly sumsCounts: boolean;

  constructor(o: CollectorOptions) {
    this.o = o;
    this.runs = Array.from({ length: o.partitions }, () => []);
    this.indexes = Array.from({ length: o.partitions }, () => []);
    this.sumsCounts = countsOffHeap(o.agg);
    // A counting table starts within its budget (~64 bytes a key with its arrays), however small that is;
    // or is the one the thread's last task left, if that is within it.
    if (this.sumsCounts && spare !== undefined && spare.table.heldBytes <= o.budget && spare.writeBuffer.length === o.writeBuffer) {
      this.table = spare.table;
      this.writeBuffer = spare.writeBuffer;
      this.table.clear();
    } else {
      this.table = this.sumsCounts
        ? new KeyTable(Math.max(16, Math.min(1 << 10, o.budget >> 6)), { bytes: true, slotValues: true })
        : new KeyTable(1 << 10);
    }
    spare = undefined;
    this.add = this.sumsCounts ? this.counting(o.agg === builtins.count) : (k, v) => this.addAny(k, v);
  }

  /** Done (everything spilled): a counting collector leaves its table and buffer to the thread's next one. */
  release(): void {
    if (this.sumsCounts && this.table.size === 0) spare = { table: this.table, writeBuffer: this.writeBuffer ?? allocRunBuffer(this.o.writeBuffer) };
  }

  /** The hot path of word-count-like jobs: one table probe, the count in the slot it reads; a new key spills
   * first when the table would grow past the budget. */
  private counting(count: boolean): (key: string, value: unknown) => void {
    const t = this.table;
    const budget = this.o.budget;
    const agg = this.o.agg as Aggregator;
    return (key, value) => {
      // The value first: a bad one throws before the key is added.
      const v: number = count ? 1 : typeof value === 'number' && value - value === 0 ? value : agg.init(value, key);
      if (t.find(key) >= 0) {
        t.values[t.at] += v;
        return;
      }
      const grow = t.growthBytes(key.length);
      if (grow > 0 && t.size > 0 && t.heldBytes + grow > budget) {
        this.spill();
        t.find(key); // the insert goes where this search ends
      }
      t.insert(key, v);
    };
  }

  private addAny(key: string, value: unknown): void {
    const o = this.o;
    if (o.agg) {
      const id = this.table.find(key);
      if (id < 0) {
        const acc = o.agg.init(value, key);
        this.accs[this.table.insert(key)] = acc;
        this.bytes += ENTRY_OVERHEAD + 2 * key.length + valueCost(value);
      } else {
        const acc = this.accs[id];
        const next = o.agg.add(acc, value, key);
        this.accs[id] = next;
        if (next === acc && Array.isArray(acc)) this.bytes += valueCost(value); // collect grows in place
      }
    } else if (o.combine) {
      const id = this.table.find(key);
      if (id < 0) {
        this.accs[this.table.insert(key)] = [value];
        this.bytes += ENTRY_OVERHEAD + 2 * key.length + valueCost(value);
      } else {
        const pending = this.accs[id] as unknown[];
        pending.push(value);
        this.bytes += 8 + valueCost(value);
        if (pending.length >= COMBINE_EVERY) this.collapse(key, pending);
      }
    } else {
      const v = runValue(key, value);
      this.keys.push(key);
      this.vals.push(v);
      this.bytes += ENTRY_OVERHEAD + 2 * key.length + (typeof v === 'string' ? 2 * v.length : 0);
    }
    if (this.bytes > o.budget) this.spill();
  }

  private collapse(key: string, pending: unknown[]): void {
    const v = callCombine(this.o.combine as CombineFn, key, pending);
    for (const x of pending) this.bytes -= 8 + valueCost(x);
    pending.length = 0;
    pending.push(v);
    this.bytes += 8 + valueCost(v);
  }

  private partition(key: string): number {
    const g = this.o.group;
    return partitionOf(g ? g(key) : key, this.o.partitions, this.o.encoding);
  }

  /** Writes everything held as one sorted run per non-empty partition. */
  spill(): void {
    const o = this.o;
    const P = o.partitions;
    const seq = this.spills;
    const t = this.table;
    if (t.size === 0 && this.keys.length === 0) return;
    const counting = this.sumsCounts;
    if (this.keys.length > 0) {
      // Plain pairs: sort indices by (key, emit order) per partition.
      const keys = this.keys;
      const vals = this.vals;
      const byPart: number[][] = Array.from({ length: P }, () => []);
      for (let i = 0; i < keys.length; i++) byPart[P === 1 ? 0 : this.partition(keys[i])].push(i);
      for (let p = 0; p < P; p++) {
        const idx = byPart[p];
        if (idx.length === 0) continue;
        const order = sortOrder(idx.map((i) => keys[i])); // stable: equal keys keep emit order
        this.write(seq, p, (w) => { for (let j = 0; j < order.length; j++) { const i = idx[order[j]]; w.add(keys[i], vals[i]); } });
      }
      this.keys = [];
      this.vals = [];
    } else if (counting) {
      this.spillCounts(seq);
    } else {
      const keys = t.keys;
      const byPart: number[][] = Array.from({ length: P }, () => []);
      // The table's hash is partitionOf's for latin1 keys (FNV-1a over the chars as bytes).
      const hashed = o.encoding === 'latin1' && !o.group;
      for (let id = 0; id < keys.length; id++) {
        const p = P === 1 ? 0 : hashed ? (t.hashes[id] >>> 0) % P : this.partition(keys[id]);
        byPart[p].push(id);
      }
      const combine = o.agg ? undefined : (o.combine as CombineFn);
      for (let p = 0; p < P; p++) {
        const ids = byPart[p];
        if (ids.length === 0) continue;
        const order = sortOrder(ids.map((id) => keys[id]));
        this.write(seq, p, (w) => {
          for (let j = 0; j < order.length; j++) {
            const id = ids[order[j]];
            const k = keys[id];
            if (combine) {
              // Pending raw values: combine what is left once more, write one value.
              const arr = this.accs[id] as unknown[];
              w.add(k, runValue(k, arr.length === 1 ? arr[0] : callCombine(combine, k, arr)));
            } else w.add(k, runValue(k, this.accs[id]));
          }
        });
      }
      t.clear();
      this.accs = [];
    }
    this.bytes = 0;
    this.spills++;
    o.onSpill?.();
  }

  /**
   * The counting spill: per partition, the held keys' bytes sorted in place (sortRanges; keys are distinct,
   * so its order is the stable one) and each written as a pair payload [varint length][key][tagged count].
   */
  private spillCounts(seq: number): void {
    const o = this.o;
    const P = o.partitions;
    const t = this.table;
    const n = t.size;
    const { arena, starts, lens } = t;
    const counts = new Float64Array(n);
    t.valuesById(counts);
    // Partitions: latin1 keys reuse the table's hash (partitionOf's for byte strings); UTF-8 ones hash
    // their arena bytes, which is partitionOf's FNV-1a over the same bytes.
    const part = new Uint32Array(P === 1 ? 0 : n);
    if (P > 1) {
      for (let id = 0; id < n; id++) {
        if (o.group) part[id] = this.partition(t.keyAt(id));
        else if (o.encoding === 'latin1') part[id] = (t.hashes[id] >>> 0) % P;
        else {
          let h = 0x811c9dc5;
          for (let i = starts[id], e = i + lens[id]; i < e; i++) h = Math.imul(h ^ arena[i], 0x01000193);
          part[id] = (h >>> 0) % P;
        }
      }
    }
    const ids = new Uint32Array(n);
    const pStarts = new Uint32Array(n);
    const pLens = new Uint32Array(n);
    // A record is a key id: its payload is copied from the arena straight into the writer's buffer.
    const codec: Codec<number> = {
      name: 'pairs-utf8-tagged',
      maxBytes: (id) => varintSize(lens[id]) + lens[id] + 9,
      write(id, buf, off) {
        const len = lens[id];
        off = writeVarint(buf, off, len, varintSize(len));
        off += copyBytes(arena, starts[id], starts[id] + len, buf, off);
        const c = counts[id];
        return writeTaggedNumber(buf, off, (c - c === 0 ? c : checkSum(c, t.keyAt(id))) + 0);
      },
      read() {
        throw new Error('mrpipe: the counting spill codec does not read');
      },
    };
    for (let p = 0; p < P; p++) {
      let m = 0;
      for (let id = 0; id < n; id++) {
        if (P > 1 && part[id] !== p) continue;
        ids[m] = id;
        pStarts[m] = starts[id];
        pLens[m] = lens[id];
        m++;
      }
      if (m === 0) continue;
      this.scratch = sortScratch(m, this.scratch);
      const order = sortRanges(arena, pStarts, pLens, m, this.scratch);
      const name = `s${seq}-p${p}.run`;
      const w = new RunWriter(join(o.dir, name), codec, (this.writeBuffer ??= allocRunBuffer(o.writeBuffer)));
      const index = (w.sampler = new RunIndexer());
      try {
        for (let j = 0; j < m; j++) w.write(ids[order[j]]);
        w.close();
      } catch (err) {
        w.abort();
        throw err;
      }
      this.recordsWritten += w.records;
      this.runs[p].push(name);
      this.indexes[p].push(index.indexOf(w));
    }
    t.clear();
  }

  private write(seq: number, p: number, fill: (w: { add(key: string, value: RunValue): void }) => void): void {
    const name = `s${seq}-p${p}.run`;
    const w: RunWriter<RunRecord> = runWriter(join(this.o.dir, name), this.o.writeBuffer);
    const index = (w.sampler = new RunIndexer());
    // One record object, refilled: the writer encodes it synchronously.
    const rec: RunRecord = { key: '', value: undefined };
    try {
      fill({ add(key, value) { rec.key = key; rec.value = value; w.write(rec); } });
      w.close();
    } catch (err) {
      w.abort();
      throw err;
    }
    this.recordsWritten += w.records;
    this.runs[p].push(name);
    this.indexes[p].push(index.indexOf(w));
  }
}
