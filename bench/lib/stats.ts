// From runs to a table row: median, min, peak RSS, throughput, speed against the fastest peer, and which
// contenders printed something different from the others.
import type { Contender } from '../case.ts';
import type { RunResult } from './measure.ts';

export interface ContenderResult {
  contender: Contender;
  runs: RunResult[];
  median: number;
  min: number;
  peakRss: number;
  /** MB/s (10^6 bytes) of input at the median time. */
  throughput: number;
  /** Fastest peer's median / this median (> 1: faster than every peer); null without a peer. */
  vsFastestPeer: number | null;
  failed: boolean;
  /** Output differs from the reference output (the most common hash among successful contenders). */
  mismatch: boolean;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(contenders: Contender[], runs: RunResult[][], inputBytes: number, sameOutput: boolean): ContenderResult[] {
  const rows = contenders.map((contender, i): ContenderResult => {
    const rs = runs[i];
    const failed = rs.some((r) => r.exitCode !== 0);
    const med = median(rs.map((r) => r.seconds));
    return {
      contender, runs: rs, median: med, min: Math.min(...rs.map((r) => r.seconds)),
      peakRss: Math.max(...rs.map((r) => r.peakRss)), throughput: inputBytes / 1e6 / med,
      vsFastestPeer: null, failed, mismatch: false,
    };
  });
  const peers = rows.filter((r) => r.contender.peer && !r.failed);
  const fastestPeer = peers.length ? Math.min(...peers.map((r) => r.median)) : null;
  for (const r of rows) if (fastestPeer !== null && !r.failed) r.vsFastestPeer = fastestPeer / r.median;
  if (sameOutput) {
    // Reference: the hash most contenders agree on (ties: the first peer's, then the first contender's).
    const votes = new Map<string, number>();
    for (const r of rows) if (!r.failed) for (const h of new Set(r.runs.map((x) => x.outputHash))) votes.set(h, (votes.get(h) ?? 0) + 1);
    const firstPeer = rows.find((r) => r.contender.peer && !r.failed)?.runs[0].outputHash;
    let ref: string | undefined, best = -1;
    for (const [h, n] of votes) if (n > best || (n === best && h === firstPeer)) { ref = h; best = n; }
    for (const r of rows) r.mismatch = !r.failed && r.runs.some((x) => x.outputHash !== ref);
  }
  return rows;
}
