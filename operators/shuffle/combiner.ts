// Map-side hash aggregation under a byte budget: the combine stage's table. Keys get dense ids in the one
// KeyTable (key-table.ts, the runtime collector's table too); accumulators live in a Float64Array for the
// numeric built-ins (one probe per value, no boxed numbers) or in a plain array otherwise.
// When the estimated bytes held reach `memory`, the contents are emitted sorted by key (prefix sort) to
// onSpill and the table starts again — the caller writes them as a sorted run or passes them on.
import type { Pair } from '../types.ts';
import { resolveCombiner, type Combiner, type CombinerSpec } from './builtins.ts';
import { DEFAULT_MEMORY } from '../../plumbing/sizes.ts';
import { collectGarbage } from './gc.ts';
import { sortOrder } from './prefixsort.ts';
import { STRING_OVERHEAD, valueBytes } from './size.ts';
import { KeyTable } from './key-table.ts';

/**
 * Per distinct key: the KeyTable's 16-byte slots at load ≤ 3/4 with doubling headroom (up to ~43 B), its hash
 * and key pointer with growth headroom (24 B), at a spill the sort's order and 64-bit word (12 B) and the
 * spilled [key, value] pair with its boxed number (~80 B).
 */
export const COMBINER_ENTRY_OVERHEAD = 160;

export interface CombinerOptions<A> {
  /** Bytes held before spilling (estimated; default DEFAULT_MEMORY, 256 MiB). */
  memory?: number;
  /** Receives each spill: pairs sorted by key (byte order), every key once. */
  onSpill: (sorted: Pair<A>[]) => void;
  /**
   * Run a full GC after each spill (default true). Without it V8 lets the dropped table and spill array
   * pile up as garbage: measured 600 MB RSS under a 64 MB budget (docs/SHUFFLE.md, Memory).
   */
  gcAfterSpill?: boolean;
}

export class HashCombiner<V = unknown, A = V> {
  /** Distinct keys spilled so far, values added, spills made. */
  readonly stats = { values: 0, spills: 0, pairsOut: 0 };
  private readonly combiner: Combiner<V, A>;
  private readonly numeric: boolean;
  private readonly memory: number;
  private readonly onSpill: (sorted: Pair<A>[]) => void;
  private readonly gcAfterSpill: boolean;
  private readonly table = new KeyTable();
  private accs: A[] = [];
  private nums = new Float64Array(1024);
  private held = 0;

  constructor(spec: CombinerSpec<V>, options: CombinerOptions<A>) {
    this.combiner = resolveCombiner(spec) as unknown as Combiner<V, A>;
    this.numeric = spec === 'sum' || spec === 'count';
    this.memory = options.memory ?? DEFAULT_MEMORY;
    this.onSpill = options.onSpill;
    this.gcAfterSpill = options.gcAfterSpill ?? true;
  }

  add(key: string, value: V): void {
    this.stats.values++;
    const slot = this.table.find(key);
    if (this.numeric) {
      if (slot >= 0) {
        this.nums[slot] = this.combiner.add(this.nums[slot] as A, value, key) as number;
        return;
      }
      const acc = this.combiner.init(value, key) as number;
      const s = this.table.insert(key);
      if (s === this.nums.length) {
        const bigger = new Float64Array(s * 2);
        bigger.set(this.nums);
        this.nums = bigger;
      }
      this.nums[s] = acc;
      this.newKey(key, 8);
      return;
    }
    if (slot >= 0) {
      this.accs[slot] = this.combiner.add(this.accs[slot], value, key);
      return;
    }
    const acc = this.combiner.init(value, key);
    this.table.insert(key);
    this.accs.push(acc);
    this.newKey(key, 8 + valueBytes(acc));
  }

  private newKey(key: string, valueSize: number): void {
    this.held += COMBINER_ENTRY_OVERHEAD + STRING_OVERHEAD + key.length + valueSize;
    if (this.held >= this.memory) this.spill();
  }

  /** Estimated bytes held. */
  get bytesHeld(): number {
    return this.held;
  }

  /** Emit everything held (sorted by key) and start again. */
  spill(): void {
    const keys = this.table.keys;
    if (keys.length === 0) return;
    const order = sortOrder(keys);
    const out = new Array<Pair<A>>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const s = order[i];
      out[i] = [keys[s], this.numeric ? (this.nums[s] as A) : this.accs[s]];
    }
    this.table.clear();
    this.accs = [];
    this.held = 0;
    this.stats.spills++;
    this.stats.pairsOut += out.length;
    this.onSpill(out);
    // The caller has written or passed on `out`; the old table and (usually) `out` are garbage now.
    if (this.gcAfterSpill) collectGarbage();
  }

  /** Spill what is left (call at the end of input). */
  flush(): void {
    this.spill();
  }
}
