// Walker's alias method: O(1) sampling from a fixed discrete distribution with two 32-bit random numbers.
// Thresholds are stored as integers so sampling compares integers only (identical on every machine).
import type { Sfc32 } from './prng.ts';

export interface AliasTable {
  n: number;
  /** Column i keeps itself when the second random number is below threshold[i], else takes alias[i]. */
  threshold: Uint32Array;
  alias: Uint32Array;
}

export function buildAlias(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  if (n === 0) throw new RangeError('alias table needs at least one weight');
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = (weights[i] * n) / total;
  const threshold = new Uint32Array(n);
  const alias = new Uint32Array(n);
  const small = new Uint32Array(n);
  const large = new Uint32Array(n);
  let ns = 0, nl = 0;
  for (let i = 0; i < n; i++) {
    if (scaled[i] < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns], l = large[nl - 1];
    threshold[s] = Math.floor(scaled[s] * 4294967296);
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) { nl--; small[ns++] = l; }
  }
  // Leftovers are 1 up to rounding: they always keep themselves.
  while (nl > 0) { const l = large[--nl]; threshold[l] = 4294967295; alias[l] = l; }
  while (ns > 0) { const s = small[--ns]; threshold[s] = 4294967295; alias[s] = s; }
  return { n, threshold, alias };
}

export function sampleAlias(rng: Sfc32, t: AliasTable): number {
  const col = Math.floor(rng.next() * 2.3283064365386963e-10 * t.n);
  return rng.next() < t.threshold[col] ? col : t.alias[col];
}

/** Zipf weights 1/(rank^s) for ranks 1..n. */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.pow(i + 1, -s);
  return w;
}
