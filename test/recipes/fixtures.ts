// Small deterministic inputs for the recipe tests: text, access logs (with malformed lines), activity
// events, and two sides of a join. A tiny LCG keeps them identical on every run.
import fs from 'node:fs';
import path from 'node:path';

export function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s >>> 8) % n; };
}

export function writeText(file: string, lines: number, seed = 1): void {
  const r = lcg(seed);
  const vocab = ['the', 'The', 'a', 'of', 'and', 'to', 'mrpipe', 'café', 'naïve', 'Straße', 'x1', 'x2', 'data,', 'data', 'end.', '42'];
  let out = '';
  for (let i = 0; i < lines; i++) {
    const n = r(9);
    const ws: string[] = [];
    for (let j = 0; j < n; j++) ws.push(vocab[Math.min(r(vocab.length), r(vocab.length))]);
    out += ws.join(r(5) === 0 ? '\t' : ' ') + '\n';
  }
  fs.writeFileSync(file, out);
}

const MONTHS = ['Jan', 'Feb', 'Mar'];
export function writeLogs(file: string, lines: number, seed = 2): void {
  const r = lcg(seed);
  const urls = ['/', '/index.html', '/cart?id=3', '/cart?id=4', '/img/logo.png', '/api/items', '/login', '/robots.txt'];
  const statuses = [200, 200, 200, 200, 304, 301, 404, 403, 500, 503];
  let out = '';
  for (let i = 0; i < lines; i++) {
    if (r(40) === 0) { out += r(2) ? 'garbage line without structure\n' : '10.0.0.1 - - [01/Jan/2026:00:00:01 +0000] "GET /cut\n'; continue; }
    const ip = `10.0.${r(3)}.${Math.min(r(20), r(20))}`;
    const day = 1 + Math.floor(i / 400);
    const hh = String(Math.floor((i % 400) / 17)).padStart(2, '0');
    const status = statuses[r(statuses.length)];
    const bytes = status === 304 ? '-' : String(100 + r(5000));
    const url = urls[Math.min(r(urls.length), r(urls.length))];
    out += `${ip} - - [${String(day).padStart(2, '0')}/${MONTHS[0]}/2026:${hh}:${String(r(60)).padStart(2, '0')}:00 +0000] "GET ${url} HTTP/1.1" ${status} ${bytes} "-" "agent \\"quoted\\" ${r(3)}"\n`;
  }
  fs.writeFileSync(file, out);
}

export function writeActivity(file: string, events: number, seed = 3): void {
  const r = lcg(seed);
  const types = ['view', 'click', 'search', 'purchase'];
  const last = new Map<string, number>();
  let t = Date.UTC(2026, 0, 1, 22, 0, 0);
  let out = '';
  for (let i = 0; i < events; i++) {
    t += r(4) === 0 ? 0 : r(300_000);
    const user = `u${Math.min(r(30), r(30))}`;
    last.set(user, t);
    // Some records are broken or lack a user: counted, skipped.
    if (r(97) === 0) { out += '{"ts": "not a time", "user": "u1"}\n'; continue; }
    out += JSON.stringify({ ts: new Date(t).toISOString(), user, event: types[r(types.length)], ms: r(900) }) + '\n';
  }
  fs.writeFileSync(file, out);
}

export function writeJoinSides(dir: string, json: boolean): [left: string, right: string] {
  const left = path.join(dir, json ? 'users.jsonl' : 'users.tsv');
  const right = path.join(dir, json ? 'orders.jsonl' : 'orders.tsv');
  const r = lcg(4);
  let l = '';
  // u0-u39 and two users with no orders (u90, u91); orders go to u0-u54, some of them without a user.
  for (const i of [...Array(40).keys(), 90, 91]) l += json ? JSON.stringify({ id: `u${i}`, name: `name${i}` }) + '\n' : `u${i}\tname${i}\tcity${i % 5}\n`;
  let o = '';
  for (let i = 0; i < 300; i++) {
    const u = `u${r(55)}`;
    o += json ? JSON.stringify({ id: u, order: `o${i}`, total: r(1000) / 10 }) + '\n' : `${u}\to${i}\t${r(1000) / 10}\n`;
  }
  fs.writeFileSync(left, l);
  fs.writeFileSync(right, o);
  return [left, right];
}

export interface TimedEvent {
  /** The instant the record's ts means, in ms; undefined for a record the recipe must count as malformed. */
  ms: number | undefined;
  user: string;
  event: string;
  line: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `ms` written as ISO-8601 text in the zone `offsetMin` east of UTC, with `frac` fraction digits (0-6). */
export function isoAt(ms: number, offsetMin: number, frac: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  const f = frac === 0 ? '' : '.' + (pad(d.getUTCMilliseconds(), 3) + '789').slice(0, frac);
  const o = offsetMin === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${f}${o}`;
}

/**
 * Activity events whose ts mix offsets (Z, +02:00, -05:30, +14:00, -11:00), precisions (s, ms, µs) and
 * epoch-ms numbers; gaps of 0, exactly 30 minutes, 30 minutes + 1 ms, 29:59.999 and hours; sessions
 * across UTC midnight (and across the writer's local midnight); plus unreadable records. Shuffled. Each
 * record comes with the instant it means, for an oracle that never parses the text.
 */
export function mixedActivity(seed = 5): TimedEvent[] {
  const r = lcg(seed);
  const gaps = [0, 60_000, 30 * 60_000, 30 * 60_000 + 1, 30 * 60_000 - 1, 17 * 60_000, 2 * 3_600_000, 123];
  const offsets = [0, 120, -330, 840, -660];
  const types = ['view', 'click', 'buy'];
  const out: TimedEvent[] = [];
  for (let u = 0; u < 12; u++) {
    const user = `user${u}`;
    // Around UTC midnight (23:00-23:59) of 31 Dec 2025 or 1 Jan 2026.
    let t = Date.UTC(2025, 11, 31 + r(2), 23, r(60), r(60), r(1000));
    const n = 5 + r(25);
    for (let i = 0; i < n; i++) {
      t += gaps[r(gaps.length)];
      const event = types[r(types.length)];
      const form = r(4);
      const ts: string | number = form === 0 ? t : isoAt(t, offsets[r(offsets.length)], form === 1 ? 0 : form === 2 ? 3 : 6);
      // Whole seconds lose the ms: the instant is what the text says.
      const ms = typeof ts === 'number' || form !== 1 ? t : t - (t % 1000);
      out.push({ ms, user, event, line: JSON.stringify({ ts, user, event }) });
    }
  }
  const bad = ['2026-02-30T10:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00+25:00', 'yesterday', '', '10000-01-01T00:00:00Z'];
  for (const ts of bad) out.push({ ms: undefined, user: 'user1', event: 'view', line: JSON.stringify({ ts, user: 'user1', event: 'view' }) });
  out.push({ ms: undefined, user: 'user2', event: 'view', line: JSON.stringify({ ts: '2026-01-01T00:00:00Z', event: 'view' }) });
  // Shuffled (Fisher-Yates): time order must come from the sort, not the input.
  for (let i = out.length - 1; i > 0; i--) { const j = r(i + 1); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}
