// Map-side hash aggregation under a byte budget: the combine stage's table. Keys get dense ids in the one
// KeyTable (key-table.ts, the runtime collector's table too); accumulators live in a Float64Array for the
// numeric built-ins (one probe per value, no boxed numbers) or in a plain array otherwise.
// When the estimated bytes held reach `memory`, the contents go to onSpill sorted by key (prefix sort), as
// a view the caller reads a slice at a time (writes as a sorted run, or passes on), then the table starts again.
import type { Pair } from '../../types.ts';
import { checkSum, resolveCombiner, type Combiner, type CombinerSpec } from './builtins.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { collectGarbageAfterSpill } from '../gc.ts';
import { sortOrder } from '../sort/prefixsort.ts';
import { STRING_OVERHEAD, valueBytes } from '../sort/size.ts';
import { KeyTable } from './key-table.ts';
import { checkKey } from './checks.ts';

/**
 * Per distinct key: the KeyTable's 16-byte slots at load ≤ 3/4 with doubling headroom (up to ~43 B), its hash
 * and key pointer with growth headroom (24 B) and, at a spill, the sort's order and 64-bit word (12 B). The
 * spill's pairs are made a batch at a time (SortedSpill), so they are not held per key.
 */
export const COMBINER_ENTRY_OVERHEAD = 80;

/**
 * One spill of the table: its pairs sorted by key (byte order), every key once, built on demand a slice at a
 * time, so the spill never exists as one array of pairs beside the table. Valid until the combiner's next
 * add(), flush() or release().
 */
export interface SortedSpill<A> {
  readonly length: number;
  /** Pairs [from, to) of the spill, as a new array. */
  slice(from: number, to: number): Pair<A>[];
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
  /** sum / count: accumulators in a Float64Array, added in place (a sum's overflow is caught at the spill). */
  private readonly numeric: boolean;
  private readonly counting: boolean;
  private readonly memory: number;
  private readonly onSpill: (spill: SortedSpill<A>) => void;
  private readonly gcAfterSpill: boolean;
  private readonly table = new KeyTable();
  private accs: A[] = [];
  private nums = new Float64Array(1024);
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
  }

  add(key: string, value: V): void {
    if (typeof key !== 'string') checkKey(key, 'combine');
    if (this.spilled) this.release();
    this.stats.values++;
    const slot = this.table.find(key);
    if (this.numeric) {
      // The value first: a bad one throws (naming the key) before the key is added.
      const v = this.counting ? 1 : typeof value === 'number' && value - value === 0 ? value : this.combiner.init(value, key) as number;
      if (slot >= 0) {
        this.nums[slot] += v;
        return;
      }
      const s = this.table.insert(key);
      if (s === this.nums.length) {
        const bigger = new Float64Array(s * 2);
        bigger.set(this.nums);
        this.nums = bigger;
      }
      this.nums[s] = v;
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

  /** Hand everything held to onSpill, sorted by key; the table starts again at the next add() or release(). */
  spill(): void {
    if (this.spilled) this.release();
    const keys = this.table.keys;
    if (keys.length === 0) return;
    const nums = this.nums;
    if (this.numeric && !this.counting) for (let i = 0; i < keys.length; i++) checkSum(nums[i], keys[i]);
    const order = sortOrder(keys);
    const accs = this.accs;
    const numeric = this.numeric;
    this.spilled = true;
    this.stats.spills++;
    this.stats.pairsOut += keys.length;
    this.onSpill({
      length: keys.length,
      slice(from, to) {
        const out = new Array<Pair<A>>(to - from);
        for (let i = from; i < to; i++) {
          const s = order[i];
          out[i - from] = [keys[s], numeric ? (nums[s] as A) : accs[s]];
        }
        return out;
      },
    });
  }

  /** Forget the spill handed out last (the caller is done with it) and start an empty table. */
  release(): void {
    if (!this.spilled) return;
    this.spilled = false;
    const spilled = this.held;
    this.table.clear();
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
