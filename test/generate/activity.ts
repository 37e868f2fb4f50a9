import test from 'ava';
import { EVENTS, SESSION_MAX_GAP_MS, SESSION_MIN_IDLE_MS } from '../../lib/generate/index.ts';
import { collect, lines } from './helpers.ts';

test('activity: JSON lines with ts, user, event, page, ms in time order; per-user sessions separated by gaps', async (t) => {
  const ls = lines(await collect('activity', { size: 20_000_000, seed: 21 }));
  const last = new Map<string, number>();
  let prev = 0, sessions = 0, returning = 0;
  for (const [i, l] of ls.entries()) {
    const e = JSON.parse(l) as { ts: string; user: string; event: string; page: string; ms: number };
    t.deepEqual(Object.keys(e), ['ts', 'user', 'event', 'page', 'ms'], `line ${i + 1}`);
    const ts = Date.parse(e.ts);
    if (!(ts >= prev)) t.fail(`line ${i + 1}: ts goes back`);
    prev = ts;
    if (!/^u\d+$/.test(e.user) || !(EVENTS as readonly string[]).includes(e.event) || !e.page.startsWith('/') || !Number.isInteger(e.ms)) {
      t.fail(`line ${i + 1}: bad fields ${l}`);
    }
    const before = last.get(e.user);
    if (before === undefined) sessions++;
    else {
      const gap = ts - before;
      if (gap > SESSION_MAX_GAP_MS && gap < SESSION_MIN_IDLE_MS) t.fail(`line ${i + 1}: gap ${gap} ms for ${e.user} is neither in-session nor between sessions`);
      if (gap >= SESSION_MIN_IDLE_MS) { sessions++; returning++; }
    }
    last.set(e.user, ts);
  }
  t.log(`${ls.length} events, ${last.size} users, ${sessions} sessions (${returning} returning), until ${new Date(prev).toISOString()}`);
  t.true(returning > 100, 'users come back for new sessions');
  t.true(ls.length / sessions > 5 && ls.length / sessions < 20, 'sessions hold several events');
});
