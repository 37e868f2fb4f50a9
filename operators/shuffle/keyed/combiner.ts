// Map-side hash aggregation under a byte budget: the combine stage's table, the one KeyTable (key-table.ts)
// the runtime's collector uses. sum/count keep it as the collector's counting path does: each key's UTF-8
// bytes in the table's arena and its total in the slot a lookup reads (no string held per key, no box per
// count, memory known to the byte), and a spill sorts the keys' bytes (sortRanges, as the collector's spill
// does). Other combiners keep keys as strings and an accumulator per key in a plain array, estimated.
// When the budget is full (and at the end), the contents go to onSpill sorted by key (UTF-8 byte order), as
// a view the caller reads a slice at a time (writes as a sorted run, or passes on); the table starts again
// once the caller is done with it.
import type { Pair } from '../../types.ts';
import { checkSum, resolveCombiner, type Combiner, type CombinerSpec } from './builtins.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { collectGarbageAfterSpill } from '../gc.ts';
import { sortOrder } from '../sort/prefixsort.ts';
import { STRING_OVERHEAD, valueBytes } from '../sort/size.ts';
import { SCRATCH_PER_RANGE, sortRanges, sortScratch, type SortScratch } from '../linesort/bytesort.ts';
import { KeyTable } from './key-table.ts';
import { checkKey } from './checks.ts';
import { fnv1aBytes } from './hash.ts';

/**
 * Per distinct key of a string-keyed table (combiners other than sum/count): the KeyTable's 16-byte slots at
 * load ≤ 3/4 with doubling headroom (up to ~43 B), its hash and key pointer with growth headroom (24 B) and,
 * at a spill, the sort's order and 64-bit word (12 B). The spill's pairs are made a batch at a time
 * (SortedSpill), so they are not held per key.
 */
export const COMBINER_ENTRY_OVERHEAD = 80;

/** ES2024's String methods (Node has them; the project's lib setting predates them). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** sum/count: per key id, beside the table's own arrays, its total by id at a spill (8 B) and the sort's scratch. */
const COUNT_BYTES_PER_ID = 8 + SCRATCH_PER_RANGE;

/**
 * One spill of the table: its pairs sorted by key (byte order), every key once, built on demand a slice at a
 * time, so the spill never exists as one array of pairs beside the table. Valid until the combiner's next
 * add(), flush() or release().
 */
export interface SortedSpill<A> {
  readonly length: number;
  /** Whether slice() can give the keys' partition hashes too. */
  readonly hashed: boolean;
  /** Pairs [from, to) of the spill, as a new array; when `hashed`, hashes[i - from] is fnv1a of pair i's key. */
  slice(from: number, to: number, hashes?: Uint32Array): Pair<A>[];
}

export interface CombinerOptions<A> {
  /** Bytes held before spilling (estimated; default DEFAULT_MEMORY, 256 MiB). */
  memory?: number;
  /** Receives each spill; the table is kept for it until the next add(), flush() or release(). */
  onSpill: (spill: SortedSpill<A>) => void;
  /**
   * Run a full GC when a spill is released (default true; once per MiB spilled under tiny budgets, see
   * gc.ts). Without it V8 lets the dropped tables pile up as garbage: measured 600 MB RSS under a 64 MB
   * budget (docs/SHUFFLE.md, Memory).
   */
  gcAfterSpill?: boolean;
}

export class HashCombiner<V = unknown, A = V> {
  /** Distinct keys spilled so far, values added, spills made. */
  readonly stats = { values: 0, spills: 0, pairsOut: 0 };
  private readonly combiner: Combiner<V, A>;
  /** sum / count: the counting table (bytes mode, totals in its slots; a sum's overflow is caught at the spill). */
  private readonly numeric: boolean;
  private readonly counting: boolean;
  private readonly memory: number;
  private readonly onSpill: (spill: SortedSpill<A>) => void;
  private readonly gcAfterSpill: boolean;
  private readonly table: KeyTable;
  private accs: A[] = [];
  /** sum/count at a spill: the totals by key id, and the sort's scratch (both kept from spill to spill). */
  private totals = new Float64Array(0);
  private scratch: SortScratch | undefined;
  /** sum/count: a new key that found the table full; it goes into the next table (release()). */
  private waiting: string | undefined;
  private waitingValue = 0;
  private held = 0;
  /** A spill was handed out and the table still holds it. */
  private spilled = false;

  constructor(spec: CombinerSpec<V>, options: CombinerOptions<A>) {
    this.combiner = resolveCombiner(spec) as unknown as Combiner<V, A>;
    this.numeric = spec === 'sum' || spec === 'count';
    this.counting = spec === 'count';
    this.memory = options.memory ?? DEFAULT_MEMORY;
    this.onSpill = options.onSpill;
    this.gcAfterSpill = options.gcAfterSpill ?? true;
    // The counting table starts within its budget (~64 bytes a key with its arrays), however small that is,
    // as the runtime's collector starts it.
    this.table = this.numeric
      ? new KeyTable(Math.max(16, Math.min(1 << 10, this.memory >> 6)), { bytes: true, slotValues: true, bytesPerId: COUNT_BYTES_PER_ID })
      : new KeyTable();
    this.add = this.numeric ? this.counter() : (key, value) => this.addAny(key, value);
  }

  /** Adds one pair (sum/count: the runtime collector's counting closure; else the general path). */
  readonly add: (key: string, value: V) => void;

  private addAny(key: string, value: V): void {
    if (typeof key !== 'string') checkKey(key, 'combine');
    if (this.spilled) this.release();
    this.stats.values++;
    const slot = this.table.find(key);
    if (slot >= 0) {
      this.accs[slot] = this.combiner.add(this.accs[slot], value, key);
      return;
    }
    const acc = this.combiner.init(value, key);
    this.table.insert(key);
    this.accs.push(acc);
    this.held += COMBINER_ENTRY_OVERHEAD + STRING_OVERHEAD + key.length + 8 + valueBytes(acc);
    if (this.held >= this.memory) this.spill();
  }

  /** sum/count, as the runtime's collector counts: one probe, the total in the slot it reads; a new key that
   * would grow the table past the budget spills it first, and waits for the next table (release()). */
  private counter(): (key: string, value: V) => void {
    const t = this.table;
    const stats = this.stats;
    const memory = this.memory;
    const count = this.counting;
    const combiner = this.combiner;
    return (key, value) => {
      if (typeof key !== 'string') checkKey(key, 'combine');
      if (this.spilled) this.release();
      stats.values++;
      // The value first: a bad one throws (naming the key) before the key is added.
      const v: number = count ? 1 : typeof value === 'number' && value - value === 0 ? value : combiner.init(value, key) as number;
      if (t.find(key) >= 0) {
        t.values[t.at] += v;
        return;
      }
      // Keys are held as UTF-8, where a lone surrogate is U+FFFD (as in any run file): such a key is that
      // well-formed one, or two spellings of one key would each get an id.
      if (!(key as unknown as WellFormed).isWellFormed()) {
        key = (key as unknown as WellFormed).toWellFormed();
        if (t.find(key) >= 0) {
          t.values[t.at] += v;
          return;
        }
      }
      const grow = t.growthBytes(key.length);
      if (grow > 0 && t.size > 0 && t.heldBytes + grow > memory) {
        this.waiting = key;
        this.waitingValue = v;
        this.spill();
        return;
      }
      t.insert(key, v);
    };
  }

  /** sum/count: no key string (nor any part of a pair) is held; keys are copied as bytes. */
  get keepsNoStrings(): boolean {
    return this.numeric;
  }

  /** Estimated bytes held (sum/count: the table's arrays, exactly). */
  get bytesHeld(): number {
    return this.numeric ? this.table.heldBytes : this.held;
  }

  /** Hand everything held to onSpill, sorted by key; the table starts again at the next add() or release(). */
  spill(): void {
    if (this.spilled) this.release();
    if (this.table.size === 0) return;
    this.spilled = true;
    this.stats.spills++;
    this.stats.pairsOut += this.table.size;
    this.onSpill(this.numeric ? this.sortedTotals() : this.sortedAccs());
  }

  /** sum/count: the keys' bytes sorted in place of strings (the collector's spill), each with its total. */
  private sortedTotals(): SortedSpill<A> {
    const t = this.table;
    const n = t.size;
    if (this.totals.length < n) this.totals = new Float64Array(t.idCapacity);
    const totals = this.totals;
    t.valuesById(totals);
    if (!this.counting) for (let id = 0; id < n; id++) if (totals[id] - totals[id] !== 0) checkSum(totals[id], t.keyAt(id));
    this.scratch = sortScratch(n, this.scratch);
    const order = sortRanges(t.arena, t.starts, t.lens, n, this.scratch);
    const { hashes: charHashes, arena, starts, lens } = t;
    return {
      length: n,
      hashed: true,
      slice(from, to, hashes) {
        const out = new Array<Pair<A>>(to - from);
        for (let i = from; i < to; i++) {
          const id = order[i];
          const key = t.keyAt(id);
          out[i - from] = [key, totals[id] as A];
          if (hashes === undefined) continue;
          // The table hashed the key's chars (FNV-1a 32): its UTF-8 bytes' hash when they are all ASCII.
          if (key.length === lens[id]) hashes[i - from] = charHashes[id] >>> 0;
          else hashes[i - from] = fnv1aBytes(arena, starts[id], starts[id] + lens[id]);
        }
        return out;
      },
    };
  }

  private sortedAccs(): SortedSpill<A> {
    const keys = this.table.keys;
    const order = sortOrder(keys);
    const accs = this.accs;
    return {
      length: keys.length,
      hashed: false,
      slice(from, to) {
        const out = new Array<Pair<A>>(to - from);
        for (let i = from; i < to; i++) {
          const s = order[i];
          out[i - from] = [keys[s], accs[s]];
        }
        return out;
      },
    };
  }

  /** Forget the spill handed out last (the caller is done with it) and start an empty table. */
  release(): void {
    if (!this.spilled) return;
    this.spilled = false;
    this.table.clear();
    const key = this.waiting;
    if (key !== undefined) {
      this.waiting = undefined;
      this.table.find(key);
      this.table.insert(key, this.waitingValue);
    }
    if (this.numeric) return; // the table's arrays are kept: no garbage to collect
    const spilled = this.held;
    this.accs = [];
    this.held = 0;
    // The old table's keys and accumulators are garbage now.
    if (this.gcAfterSpill) collectGarbageAfterSpill(spilled);
  }

  /** Spill what is left (call at the end of input). */
  flush(): void {
    this.spill();
  }
}
