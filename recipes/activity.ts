// activity: one pass over JSONL user events {"ts","user","event",...} giving, in this order (the key order
// of the sections):
//   dau YYYY-MM-DD     N                                   distinct active users that UTC day
//   events USER        {"click":N,"view":N,...}            events per user and type
//   sessions USER      {"sessions","events","longestMinutes"}  sessions with a 30-minute inactivity gap
// ts is ISO-8601 text (any offset and fraction precision, see ./support/time.ts) or epoch milliseconds.
// Sessions need each user's events in time order: a secondary sort. The key is USER \x01 TIME, TIME the
// instant's milliseconds as fixed-width digits (byte order = time order, whatever offset or precision the
// text had), grouped by USER — the runtime's `group` — so reduce streams one user's events in time order
// without holding them. A gap of exactly the session gap stays in the session; a longer one starts a new one.
// DAU keys are DAY \x01 USER (DAY: the UTC day of the instant) grouped by DAY: distinct users are counted as
// key changes, again in bounded memory. Records without a string user or a readable ts are counted
// (activity/malformed records), skipped, never fatal.
// Parameters: MRPIPE_SESSION_GAP_MINUTES (default 30).
// Usage: mrpipe run activity events.jsonl
import type { MapContext, ReduceContext } from '../lib/job/types.ts';
import type { Emit } from '../operators/types.ts';
import { intParam } from './support/params.ts';
import { instantOf, sortableTime, timeFromSortable, utcDay } from './support/time.ts';

const SEP = '\x01';

interface Event {
  ts?: unknown;
  user?: unknown;
  event?: unknown;
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
      const ms = e === null || typeof e !== 'object' ? undefined : instantOf(e.ts);
      if (ms === undefined || typeof e.user !== 'string' || e.user.includes(SEP)) {
        ctx.counter('activity', 'malformed records');
        return;
      }
      const user = e.user;
      const type = typeof e.event === 'string' ? e.event : 'unknown';
      emit(`e${SEP}${user}${SEP}${type}`, 1);
      emit(`d${SEP}${utcDay(ms)}${SEP}${user}`, 1);
      emit(`s${SEP}${user}${SEP}${sortableTime(ms)}`, 1);
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
          const ms = timeFromSortable(ctx.key.slice(group.length + 1));
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
