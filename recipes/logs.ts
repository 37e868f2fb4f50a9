// logs: one pass over Combined Log Format access logs
//   %h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
// giving, in this order (the key order of the sections):
//   errors YYYY-MM-DDTHH   {"requests","4xx","5xx","errorRate"}  per hour (the log's own time zone)
//   top-ip N              {"ip","requests"}                     the K busiest clients, N = 1..K
//   malformed             N                                     lines that do not parse (also a counter)
//   status CODE           {"requests","bytes"}                  per status code
//   top-url N             {"url","requests"}                    the K most requested paths (no query string)
// Malformed lines are counted, never fatal. Top lists use a secondary sort: every ip (url) key is in one
// reduce group, streamed past a K-entry heap — bounded memory whatever the number of distinct clients.
// Parameters: MRPIPE_TOP (K, default 10).
// Usage: cat access.log | mrpipe run logs
import type { MapContext, ReduceContext } from '../lib/job/types.ts';
import type { Emit } from '../operators/types.ts';
import { intParam } from './support/params.ts';
import { TopK } from './support/topk.ts';

// Internal keys: a section letter, \x01, the item. \x01 sorts before any printable byte, so each section
// is one contiguous run of keys.
const SEP = '\x01';
const CLF = /^(\S+) \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):\d{2}:\d{2} [^\]]*\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-) "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*"\s*$/;
const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
  Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

type Value = number | number[];

/** Element-wise sum of counts and count vectors. */
function add(a: Value, b: Value): Value {
  if (typeof a === 'number') return a + (b as number);
  const out = a.slice();
  const bb = b as number[];
  for (let i = 0; i < out.length; i++) out[i] += bb[i];
  return out;
}

function sum(values: Iterable<Value>): Value {
  let acc: Value | undefined;
  for (const v of values) acc = acc === undefined ? v : add(acc, v);
  return acc as Value;
}

export function logs(k = 10) {
  return {
    name: 'logs',
    map(line: string, emit: Emit<Value>, ctx: MapContext): void {
      const m = CLF.exec(line);
      const month = m ? MONTHS[m[3]] : undefined;
      if (!m || !month) {
        if (line.trim() === '') return;
        emit('m', 1);
        ctx.counter('logs', 'malformed lines');
        return;
      }
      const status = Number(m[7]);
      const bytes = m[8] === '-' ? 0 : Number(m[8]);
      emit(`s${SEP}${m[7]}`, [1, bytes]);
      emit(`h${SEP}${m[4]}-${month}-${m[2]}T${m[5]}`, [1, status >= 400 && status < 500 ? 1 : 0, status >= 500 ? 1 : 0]);
      emit(`i${SEP}${m[1]}`, 1);
      const target = m[6].split(' ')[1];
      if (target !== undefined) {
        const q = target.indexOf('?');
        emit(`u${SEP}${q === -1 ? target : target.slice(0, q)}`, 1);
      }
    },
    combine: (_key: string, values: Iterable<Value>): Value => sum(values),
    // ip and url keys group by section (one streamed group each); the others by themselves.
    group: (key: string): string => (key[0] === 'i' || key[0] === 'u' ? key[0] : key),
    reduce(group: string, values: Iterable<Value>, ctx: ReduceContext): undefined {
      if (group === 'i' || group === 'u') {
        const best = new TopK(k);
        let key: string | null = null;
        let count = 0;
        for (const n of values) {
          if (ctx.key !== key) {
            if (key !== null) best.add(key.slice(2), count);
            key = ctx.key;
            count = 0;
          }
          count += n as number;
        }
        if (key !== null) best.add(key.slice(2), count);
        const what = group === 'i' ? 'ip' : 'url';
        best.sorted().forEach(([item, requests], i) => ctx.emit(`top-${what} ${i + 1}`, { [what]: item, requests }));
        return undefined;
      }
      const total = sum(values);
      const item = group.slice(2);
      if (group === 'm') ctx.emit('malformed', total);
      else if (group[0] === 's') {
        const [requests, bytes] = total as number[];
        ctx.emit(`status ${item}`, { requests, bytes });
      } else {
        const [requests, e4, e5] = total as number[];
        ctx.emit(`errors ${item}`, { requests, '4xx': e4, '5xx': e5, errorRate: Math.round(((e4 + e5) / requests) * 1e6) / 1e6 });
      }
      return undefined;
    },
  };
}

export default logs(intParam('MRPIPE_TOP', 10, 1));
