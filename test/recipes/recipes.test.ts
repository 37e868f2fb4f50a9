// Every recipe through the real CLI: its output checked against a GNU pipeline or a plain in-memory
// oracle, and the Hadoop Streaming equivalence — map | sort | (combine) | reduce over several mapper
// splits equals `mrpipe run` — for each one.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, sh, tempDir } from '../cli/helpers.ts';
import { checkHadoop, run } from './check.ts';
import { writeActivity, writeJoinSides, writeLogs, writeText } from './fixtures.ts';

let dir: string;
let cleanup: () => void;
let text: string;
let text2: string;
let logs: string;
let events: string;
test.before(() => {
  ({ dir, cleanup } = tempDir());
  text = path.join(dir, 'a.txt');
  text2 = path.join(dir, 'b.txt');
  logs = path.join(dir, 'access.log');
  events = path.join(dir, 'events.jsonl');
  writeText(text, 3000, 1);
  writeText(text2, 1500, 9);
  writeLogs(logs, 4000);
  writeActivity(events, 5000);
});
test.after.always(() => cleanup());

test('wordcount: equals tr | sort | uniq -c; Hadoop equivalence', async (t) => {
  const out = await checkHadoop(t, 'wordcount', [text, text2], 3);
  const oracle = sh(`cat '${text}' '${text2}' | tr -s ' \\t\\n\\v\\f\\r' '\\n' | sed '/^$/d' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\\t\\1/'`);
  t.is(out, oracle.toString('latin1'));
});

test('distinct: whole lines equal sort -u; a field equals cut -s -f2 | sort -u; Hadoop equivalence', async (t) => {
  t.is(await checkHadoop(t, 'distinct', [text], 3), sh(`sort -u '${text}'`).toString('latin1'));
  const byField = await checkHadoop(t, 'distinct', [text, text2], 2, { MRPIPE_FIELD: '2' });
  t.is(byField, sh(`cat '${text}' '${text2}' | cut -s -f2 | sort -u`).toString('latin1'));
});

test('top: words and a field equal sort | uniq -c | sort -k1,1nr -k2,2 | head; Hadoop equivalence', async (t) => {
  const toTsv = `| sed -n '1,7p' | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\\t\\1/'`;
  const words = await checkHadoop(t, 'top', [text], 3, { MRPIPE_WORDS: '1', MRPIPE_TOP: '7' });
  t.is(words, sh(`tr -s ' \\t\\n\\v\\f\\r' '\\n' < '${text}' | sed '/^$/d' | sort | uniq -c | sort -k1,1nr -k2,2 ${toTsv}`).toString('latin1'));
  const ips = await checkHadoop(t, 'top', [logs], 3, { MRPIPE_FIELD: '1', MRPIPE_SEP: 'space', MRPIPE_TOP: '7' });
  t.is(ips, sh(`cut -d' ' -f1 '${logs}' | sort | uniq -c | sort -k1,1nr -k2,2 ${toTsv}`).toString('latin1'));
  // -D works like the environment.
  t.is(await run(['top', '-D', 'MRPIPE_FIELD=1', '-D', 'MRPIPE_SEP=space', '-D', 'MRPIPE_TOP=7', logs]), ips);
});

test('invertedindex: sorted file:line postings of lowercased words; Hadoop equivalence (one split per file)', async (t) => {
  const out = await checkHadoop(t, 'invertedindex', [text, text2], 1);
  const index = new Map<string, Set<string>>();
  for (const f of [text, text2]) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
        if (!index.has(m[0])) index.set(m[0], new Set());
        index.get(m[0])?.add(`${f}:${i + 1}`);
      }
    });
  }
  const cmp = (a: string, b: string): number => (Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const byPosting = (a: string, b: string): number => {
    const [fa, la] = [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
    const [fb, lb] = [b.slice(0, b.lastIndexOf(':')), Number(b.slice(b.lastIndexOf(':') + 1))];
    return fa < fb ? -1 : fa > fb ? 1 : la - lb;
  };
  const expected = [...index.keys()].sort(cmp).map((w) => `${w}\t${JSON.stringify([...(index.get(w) as Set<string>)].sort(byPosting))}\n`).join('');
  t.is(Buffer.from(out, 'latin1').toString('utf8'), expected);
});

test('logs: status counts, malformed lines, top URLs and hourly error rates; Hadoop equivalence', async (t) => {
  const out = Buffer.from(await checkHadoop(t, 'logs', [logs], 3), 'latin1').toString('utf8');
  const lines = fs.readFileSync(logs, 'utf8').split('\n').filter((l) => l !== '');
  const good = lines.filter((l) => / "GET [^"]*" \d{3} /.test(l) && l.endsWith('"'));
  const rows = new Map(out.trimEnd().split('\n').map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)]));
  t.is(rows.get('malformed'), String(lines.length - good.length));
  const statuses = new Map<string, number>();
  for (const l of good) { const s = / (\d{3}) /.exec(l.slice(l.indexOf('" ')))?.[1] as string; statuses.set(s, (statuses.get(s) ?? 0) + 1); }
  for (const [s, n] of statuses) t.is(JSON.parse(rows.get(`status ${s}`) as string).requests, n, `status ${s}`);
  const urls = sh(`grep -v -e '^garbage' -e '"GET /cut$' '${logs}' | cut -d' ' -f7 | sed 's/?.*//' | sort | uniq -c | sort -k1,1nr -k2,2 | sed -n '1,3p'`).toString();
  const top = urls.trim().split('\n').map((l) => l.trim().split(' '));
  top.forEach(([n, u], i) => t.deepEqual(JSON.parse(rows.get(`top-url ${i + 1}`) as string), { url: u, requests: Number(n) }));
  const hour = JSON.parse(rows.get('errors 2026-01-01T00') as string);
  t.is(hour.errorRate, Math.round(((hour['4xx'] + hour['5xx']) / hour.requests) * 1e6) / 1e6);
});

test('activity: events per user and type, DAU, 30-minute sessions; Hadoop equivalence', async (t) => {
  const out = await checkHadoop(t, 'activity', [events], 3);
  const rows = new Map(out.trimEnd().split('\n').map((l) => [l.slice(0, l.indexOf('\t')), JSON.parse(l.slice(l.indexOf('\t') + 1))]));
  const evs = fs.readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((e) => !Number.isNaN(Date.parse(e.ts)));
  const byUser = new Map<string, number[]>();
  const days = new Map<string, Set<string>>();
  for (const e of evs) {
    const ms = Date.parse(e.ts);
    if (!byUser.has(e.user)) byUser.set(e.user, []);
    byUser.get(e.user)?.push(ms);
    const day = new Date(ms).toISOString().slice(0, 10); // the UTC day of the instant
    if (!days.has(day)) days.set(day, new Set());
    days.get(day)?.add(e.user);
  }
  for (const [day, users] of days) t.is(rows.get(`dau ${day}`), users.size);
  for (const [user, times] of byUser) {
    times.sort((a, b) => a - b);
    let sessions = 0;
    for (let i = 0; i < times.length; i++) if (i === 0 || times[i] - times[i - 1] > 30 * 60_000) sessions++;
    t.is(rows.get(`sessions ${user}`).sessions, sessions, user);
    t.is(rows.get(`sessions ${user}`).events, times.length);
    const counts = rows.get(`events ${user}`) as Record<string, number>;
    t.is(Object.values(counts).reduce((a, b) => a + b, 0), times.length);
  }
});

for (const json of [false, true]) {
  test(`join (${json ? 'JSONL' : 'TSV'}): inner, left, right and full joins equal a nested-loop join; Hadoop equivalence`, async (t) => {
    const [left, right] = writeJoinSides(path.join(dir), json);
    const parse = (l: string): [string, unknown] => {
      if (json) { const o = JSON.parse(l); return [o.id, o]; }
      const f = l.split('\t');
      return [f[0], f.slice(1).join('\t')];
    };
    const L = fs.readFileSync(left, 'utf8').trim().split('\n').map(parse);
    const R = fs.readFileSync(right, 'utf8').trim().split('\n').map(parse);
    const row = (k: string, lv: unknown, rv: unknown): string =>
      `${k}\t${json ? JSON.stringify({ ...(lv as object), ...(rv as object) }) : `${lv ?? ''}\t${rv ?? ''}`}\n`;
    /** Nested loops: for each right row in input order, every left row of its key (or the missing side). */
    const oracle = (kind: string): string => {
      let out = '';
      for (const k of [...new Set([...L, ...R].map(([key]) => key))].sort()) {
        const ls = L.filter(([lk]) => lk === k);
        const rs = R.filter(([rk]) => rk === k);
        for (const [, rv] of rs) {
          if (ls.length > 0) for (const [, lv] of ls) out += row(k, lv, rv);
          else if (kind === 'right' || kind === 'full') out += row(k, undefined, rv);
        }
        if (rs.length === 0 && (kind === 'left' || kind === 'full')) for (const [, lv] of ls) out += row(k, lv, undefined);
      }
      return out;
    };
    t.true(L.some(([k]) => !R.some(([rk]) => rk === k)) && R.some(([k]) => !L.some(([lk]) => lk === k)), 'both sides have unmatched keys');
    const env = { MRPIPE_LEFT: 'users' };
    t.is(await checkHadoop(t, 'join', [left, right], 2, env), oracle('inner'));
    t.is(await checkHadoop(t, 'join', [left, right], 2, { ...env, MRPIPE_JOIN: 'full' }), oracle('full'));
    for (const kind of ['left', 'right']) {
      t.is(await run(['join', left, right, '--streaming', 'on', '--map-tasks', '3'], { ...env, MRPIPE_JOIN: kind }), oracle(kind), kind);
    }
  });
}

test('join without MRPIPE_LEFT fails and says what to set', async (t) => {
  const r = await mrpipe(['run', 'join', text]);
  t.is(r.status, 1);
  t.regex(r.stderr, /MRPIPE_LEFT/);
});
