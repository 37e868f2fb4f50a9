// Counters: group -> name -> number. Built-in figures live in the 'mrpipe' group; jobs add their own
// through ctx.counter(group, name, n).
import type { Counters } from '../job/types.ts';

export { BUILTIN_GROUP } from '../job/records.ts';

export function addCounter(c: Counters, group: string, name: string, n = 1): void {
  const g = (c[group] ??= {});
  g[name] = (g[name] ?? 0) + n;
}

export function mergeCounters(into: Counters, from: Counters): Counters {
  for (const [g, names] of Object.entries(from)) for (const [n, v] of Object.entries(names)) addCounter(into, g, n, v);
  return into;
}

/** Sorted copy (groups and names in byte order) so _COUNTERS.json is stable. */
export function sortedCounters(c: Counters): Counters {
  const out: Counters = {};
  for (const g of Object.keys(c).sort()) {
    out[g] = {};
    for (const n of Object.keys(c[g]).sort()) out[g][n] = c[g][n];
  }
  return out;
}

/** Counters as text lines "GROUP.NAME\tVALUE" (what `mrpipe run` prints at the end). */
export function formatCounters(c: Counters): string {
  const s = sortedCounters(c);
  let out = '';
  for (const g of Object.keys(s)) for (const n of Object.keys(s[g])) out += `${g}.${n}\t${s[g][n]}\n`;
  return out;
}
