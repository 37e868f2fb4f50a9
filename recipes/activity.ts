// activity: one pass over JSONL user events {"ts","user","event",...} (ts: ISO-8601 text, all in one
// format, or epoch milliseconds) giving, in this order (the key order of the sections):
//   dau YYYY-MM-DD     N                                   distinct active users that day (UTC)
//   events USER        {"click":N,"view":N,...}            events per user and type
//   sessions USER      {"sessions","events","longestMinutes"}  sessions with a 30-minute inactivity gap
// Sessions need each user's events in time order: a secondary sort. The key is USER \x01 TS (TS made
// byte-sortable), grouped by USER — the runtime's `group` — so reduce streams one user's events in ts order
// without holding them. DAU keys are DAY \x01 USER grouped by DAY: distinct users are counted as key
// changes, again in bounded memory. Records without a string user or a readable ts are counted, skipped.
// Parameters: MRPIPE_SESSION_GAP_MINUTES (default 30).
// Usage: mrpipe run activity events.jsonl
import type { MapContext, ReduceContext } from '../lib/job/types.ts';
import type { Emit } from '../operators/types.ts';
import { intParam } from './support/params.ts';

const SEP = '\x01';

interface Event {
  ts?: unknown;
  user?: unknown;
  event?: unknown;
}

/** A byte-sortable form of ts and its time in ms, or undefined when unreadable. */
function timeOf(ts: unknown): [sortable: string, ms: number] | undefined {
  if (typeof ts === 'number' && Number.isFinite(ts) && ts >= 0) return [String(Math.floor(ts)).padStart(16, '0'), ts];
  if (typeof ts === 'string') {
    const ms = Date.parse(ts);
    if (!Number.isNaN(ms)) return [ts, ms];
  }
  return undefined;
}

/** The group of a key: its section and user (or day), without the sort part. */
function groupOf(key: string): string {
  const a = key.indexOf(SEP);
  const b = key.indexOf(SEP, a + 1);
  return b === -1 ? key : key.slice(0, b);
}

export function activity(gapMinutes = 30) {
  const gapMs = gapMinutes * 60_000;
  return {
    name: 'activity',
    input: 'jsonl' as const,
    map(e: Event, emit: Emit<number>, ctx: MapContext): void {
      const t = e === null || typeof e !== 'object' ? undefined : timeOf(e.ts);
      if (t === undefined || typeof e.user !== 'string' || e.user.includes(SEP)) {
        ctx.counter('activity', 'skipped records');
        return;
      }
      const user = e.user;
      const type = typeof e.event === 'string' ? e.event : 'unknown';
      const day = new Date(t[1]).toISOString().slice(0, 10);
      emit(`e${SEP}${user}${SEP}${type}`, 1);
      emit(`d${SEP}${day}${SEP}${user}`, 1);
      emit(`s${SEP}${user}${SEP}${t[0]}`, 1);
    },
    // Map-side: event counts (per type, and per user and instant) are summed, DAU keys deduplicated.
    combine: (key: string, values: Iterable<number>): number => {
      if (key[0] === 'd') return 1;
      let n = 0;
      for (const v of values) n += v;
      return n;
    },
    group: groupOf,
    reduce(group: string, values: Iterable<number>, ctx: ReduceContext): undefined {
      const section = group[0];
      const name = group.slice(2);
      if (section === 'd') {
        let users = 0;
        let last = '';
        for (const _ of values) if (ctx.key !== last) { users++; last = ctx.key; }
        ctx.emit(`dau ${name}`, users);
      } else if (section === 'e') {
        const counts: Record<string, number> = {};
        for (const n of values) {
          const type = ctx.key.slice(group.length + 1);
          counts[type] = (counts[type] ?? 0) + n;
        }
        ctx.emit(`events ${name}`, counts);
      } else {
        let sessions = 0;
        let events = 0;
        let start = 0;
        let prev = -Infinity;
        let longest = 0;
        for (const n of values) {
          // The event time is in the key (the value counts the events at that instant).
          const ts = ctx.key.slice(group.length + 1);
          const ms = /^\d{16}$/.test(ts) ? Number(ts) : Date.parse(ts);
          events += n;
          if (ms - prev > gapMs) { sessions++; start = ms; }
          longest = Math.max(longest, ms - start);
          prev = ms;
        }
        ctx.emit(`sessions ${name}`, { sessions, events, longestMinutes: Math.round(longest / 600) / 100 });
      }
      return undefined;
    },
  };
}

export default activity(intParam('MRPIPE_SESSION_GAP_MINUTES', 30, 1));
