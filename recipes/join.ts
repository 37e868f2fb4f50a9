// join: a reduce-side equi-join of two inputs on a key field. Which side a record is on comes from its
// file name: names containing MRPIPE_LEFT are the left side, all others the right. Records are TSV lines
// (the key is field MRPIPE_KEY, 1-based, default 1) or JSON objects, one per line (the key is property
// MRPIPE_KEY, default "id"); a line starting with '{' is JSON.
// The key is JOINKEY \x01 SIDE, grouped by JOINKEY (secondary sort): reduce sees the left rows of a key
// first, holds only those, and streams the right rows past them.
// Output, per match: TSV → key<TAB>left fields<TAB>right fields (without their key fields); JSON → key<TAB>
// {...left, ...right}. MRPIPE_JOIN: inner (default), left, right or full (a missing side is empty / null).
// Usage: mrpipe run join -D MRPIPE_LEFT=users -D MRPIPE_KEY=1 users.tsv orders.tsv
import type { MapContext, ReduceContext, TaskContext } from '../lib/job/types.ts';
import type { Emit } from '../operators/types.ts';
import { param } from './support/params.ts';

const SEP = '\x01';
type Row = string | Record<string, unknown>;
type Kind = 'inner' | 'left' | 'right' | 'full';

export interface JoinOptions {
  /** A substring of the left input's file name. */
  left: string;
  /** TSV: 1-based field number; JSON: property name. */
  key?: string;
  type?: Kind;
}

function keyOf(line: string, key: string): [joinKey: string, row: Row] | undefined {
  if (line.startsWith('{')) {
    const obj = JSON.parse(line) as Record<string, unknown>;
    const k = obj?.[key];
    if (k === undefined || k === null) return undefined;
    return [typeof k === 'string' ? k : JSON.stringify(k), obj];
  }
  const n = /^\d+$/.test(key) ? Number(key) : 1;
  const fields = line.split('\t');
  if (fields.length < n) return undefined;
  const k = fields[n - 1];
  fields.splice(n - 1, 1);
  return [k, fields.join('\t')];
}

function merge(l: Row | null, r: Row | null): Row {
  if ((l === null || typeof l === 'string') && (r === null || typeof r === 'string')) return `${l ?? ''}\t${r ?? ''}`;
  const lo = l !== null && typeof l === 'object' ? l : {};
  const ro = r !== null && typeof r === 'object' ? r : {};
  return { ...lo, ...ro };
}

export function join(opts: JoinOptions) {
  const key = opts.key ?? '1';
  const type: Kind = opts.type ?? 'inner';
  if (!['inner', 'left', 'right', 'full'].includes(type)) throw new RangeError(`MRPIPE_JOIN=${type}: expected inner, left, right or full`);
  return {
    name: 'join',
    setup(ctx: TaskContext): void {
      if (ctx.kind === 'map' && opts.left === '') {
        throw new Error('join: say which input is the left one — set MRPIPE_LEFT to part of its file name (mrpipe run join -D MRPIPE_LEFT=users users.tsv orders.tsv)');
      }
    },
    map(line: string, emit: Emit<Row>, ctx: MapContext): void {
      if (line === '') return;
      const jsonKey = line.startsWith('{') ? (/^\d+$/.test(key) && key === '1' ? 'id' : key) : key;
      const kr = keyOf(line, jsonKey);
      if (kr === undefined) { ctx.counter('join', 'records without the key'); return; }
      const side = ctx.file.includes(opts.left) ? 'L' : 'R';
      emit(`${kr[0]}${SEP}${side}`, kr[1]);
    },
    group: (k: string): string => k.slice(0, k.lastIndexOf(SEP)),
    reduce(joinKey: string, values: Iterable<Row>, ctx: ReduceContext): undefined {
      const lefts: Row[] = [];
      let rights = 0;
      for (const v of values) {
        if (ctx.key.endsWith(`${SEP}L`)) { lefts.push(v); continue; }
        rights++;
        if (lefts.length === 0) { if (type === 'right' || type === 'full') ctx.emit(joinKey, merge(null, v)); continue; }
        for (const l of lefts) ctx.emit(joinKey, merge(l, v));
      }
      if (rights === 0 && (type === 'left' || type === 'full')) for (const l of lefts) ctx.emit(joinKey, merge(l, null));
      return undefined;
    },
  };
}

export default join({ left: param('MRPIPE_LEFT', ''), key: param('MRPIPE_KEY', '1'), type: param('MRPIPE_JOIN', 'inner') as Kind });
