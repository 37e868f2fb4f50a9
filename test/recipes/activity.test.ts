// The activity recipe's clock: ts text with any offset or precision orders by the instant it means
// (not by its text), sessions split on gaps longer than the session gap (exactly the gap stays in), DAU
// counts the UTC day of the instant, unreadable ts are counted as malformed. Oracles use the instants the
// fixture wrote, never a parse of the text.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from '../cli/helpers.ts';
import { instantOf, MAX_MS, MIN_MS, sortableTime, timeFromSortable } from '../../recipes/support/time.ts';
import { checkHadoop } from './check.ts';
import { isoAt, mixedActivity, type TimedEvent } from './fixtures.ts';

const DAY = 86_400_000;
const GAP = 30 * 60_000;
const floorTo = (ms: number, unit: number): number => ms - (((ms % unit) + unit) % unit);

test('property: ISO text in any offset and precision reads as its instant; the sort form orders by time', (t) => {
  const instant = fc.integer({ min: MIN_MS + DAY, max: MAX_MS - DAY });
  const offset = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });
  fc.assert(fc.property(instant, offset, fc.integer({ min: 0, max: 6 }), (ms, off, frac) => {
    const text = isoAt(ms, off, frac);
    const expected = frac >= 3 ? ms : floorTo(ms, 10 ** (3 - frac));
    return instantOf(text) === expected && Date.parse(text) === expected;
  }), { numRuns: 3000 });
  fc.assert(fc.property(instant, instant, (a, b) => {
    const [sa, sb] = [sortableTime(a), sortableTime(b)];
    return sa.length === 15 && Math.sign(sa < sb ? -1 : sa > sb ? 1 : 0) === Math.sign(a - b) && timeFromSortable(sa) === a;
  }), { numRuns: 3000 });
  t.pass();
});

test('readable and unreadable ts', (t) => {
  t.is(instantOf('2026-01-01'), Date.UTC(2026, 0, 1));
  t.is(instantOf('2026-01-01T10:00:00'), Date.UTC(2026, 0, 1, 10), 'no offset: UTC, not the machine zone');
  t.is(instantOf('2026-01-01 10:00+0530'), Date.UTC(2026, 0, 1, 4, 30));
  t.is(instantOf('2026-01-01T10:00:00.123456789-01'), Date.UTC(2026, 0, 1, 11, 0, 0, 123));
  t.is(instantOf('1969-12-31T23:59:59.999Z'), -1, 'before 1970');
  t.is(instantOf('0000-01-01T00:00:00Z'), MIN_MS);
  t.is(instantOf('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  t.is(instantOf(1767225600000.9), 1767225600000, 'epoch ms, floored');
  t.is(instantOf(-5), -5);
  for (const bad of ['2026-02-30T00:00:00Z', '2025-02-29', '2026-13-01', '2026-01-01T24:00:00Z', '2026-01-01T10:60Z',
    '2026-01-01T23:59:60Z', '2026-01-01T10:00:00+24:00', '2026-01-01T10:00:00+02:', '10000-01-01', '+002026-01-01',
    '0000-01-01T00:00:00+00:01', '9999-12-31T23:59:59-00:01', 'Thu, 01 Jan 2026 00:00:00 GMT', '1767225600000', '', ' 2026-01-01']) {
    t.is(instantOf(bad), undefined, bad);
  }
  for (const bad of [Number.NaN, Infinity, MAX_MS + 1, MIN_MS - 1, null, true, {}, [2026]]) t.is(instantOf(bad), undefined, String(bad));
});

test('activity: a later offset written earlier in text is still 100 minutes later: 2 sessions', async (t) => {
  const input = '{"ts":"2025-12-31T23:50:00Z","user":"c","event":"x"}\n{"ts":"2026-01-01T00:10:00+02:00","user":"c","event":"x"}\n';
  // 00:10+02:00 is 22:10Z on 31 Dec: 100 minutes before the first event.
  const r = await mrpipe(['run', 'activity'], input);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), 'dau 2025-12-31\t1\nevents c\t{"x":2}\nsessions c\t{"sessions":2,"events":2,"longestMinutes":0}\n');
});

/** The whole expected output from the instants the fixture wrote. */
function expected(events: TimedEvent[]): string {
  const good = events.filter((e) => e.ms !== undefined) as Array<TimedEvent & { ms: number }>;
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const days = new Map<string, Set<string>>();
  const byUser = new Map<string, { times: number[]; types: Map<string, number> }>();
  for (const e of good) {
    const day = new Date(Math.floor(e.ms / DAY) * DAY).toISOString().slice(0, 10);
    if (!days.has(day)) days.set(day, new Set());
    days.get(day)?.add(e.user);
    if (!byUser.has(e.user)) byUser.set(e.user, { times: [], types: new Map() });
    const u = byUser.get(e.user) as { times: number[]; types: Map<string, number> };
    u.times.push(e.ms);
    u.types.set(e.event, (u.types.get(e.event) ?? 0) + 1);
  }
  let out = '';
  for (const day of [...days.keys()].sort(cmp)) out += `dau ${day}\t${days.get(day)?.size}\n`;
  const users = [...byUser.keys()].sort(cmp);
  for (const user of users) {
    const types = byUser.get(user)?.types as Map<string, number>;
    out += `events ${user}\t${JSON.stringify(Object.fromEntries([...types].sort((a, b) => cmp(a[0], b[0]))))}\n`;
  }
  for (const user of users) {
    const times = (byUser.get(user)?.times as number[]).sort((a, b) => a - b);
    let sessions = 0;
    let longest = 0;
    let start = 0;
    times.forEach((ms, i) => {
      if (i === 0 || ms - times[i - 1] > GAP) { sessions++; start = ms; }
      longest = Math.max(longest, ms - start);
    });
    out += `sessions ${user}\t${JSON.stringify({ sessions, events: times.length, longestMinutes: Math.round(longest / 600) / 100 })}\n`;
  }
  return out;
}

test('activity: shuffled events with mixed offsets and precisions, midnight, exact 30-minute gaps; Hadoop equivalence', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const events = mixedActivity();
  const file = path.join(dir, 'events.jsonl');
  fs.writeFileSync(file, events.map((e) => e.line + '\n').join(''));
  // The fixture covers what it claims to.
  const sorted = events.filter((e) => e.ms !== undefined).sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : (a.ms as number) - (b.ms as number)));
  const gaps = sorted.flatMap((e, i) => (i > 0 && sorted[i - 1].user === e.user ? [(e.ms as number) - (sorted[i - 1].ms as number)] : []));
  t.true(gaps.includes(GAP) && gaps.includes(GAP + 1), 'gaps of exactly 30 minutes and one ms more');
  t.true(events.some((e) => /\+02:00"/.test(e.line)) && events.some((e) => /\.\d{3}Z"/.test(e.line)) && events.some((e) => /"ts":\d/.test(e.line)));

  let malformed = 0;
  const out = await checkHadoop(t, 'activity', [file], 3, {}, (h) => {
    for (const m of h.counters.matchAll(/^reporter:counter:activity,malformed records,(\d+)$/gm)) malformed += Number(m[1]);
  });
  t.is(out, expected(events));
  t.is(malformed, events.filter((e) => e.ms === undefined).length);
  t.regex(out, /^dau 2025-12-31\t\d+\ndau 2026-01-01\t\d+\ndau 2026-01-02\t/, 'sessions cross midnight: three UTC days');
});
