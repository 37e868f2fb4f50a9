// The runtime's run files are the shuffle's pair runs: RunWriter/RunReader frames holding pairCodec's
// payload [varint key bytes][UTF-8 key][tag][value] (codec.ts), merged by the shuffle's planner (mergeRuns:
// fan-in, fd-limit fallback) and its stable heap merge (mergeCursors). What is the runtime's own: a value
// arrives here already checked (a finite number, JSON text, or none), JSON text is parsed only when a
// reducer pulls it, and merge passes copy payloads as they are (rawCodec), never decoding a record.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { checkSum } from '../../operators/shuffle/keyed/builtins.ts';
import { allocRunBuffer, compareRawPairKeys, copyBytes, pairLayout, rawCodec, readTaggedValue, TAG_JSON, TAG_NONE, varintSize, writeString, writeTaggedNumber, writeVarint, type Codec, type PairLayout, type RawPayload } from '../../operators/shuffle/runs/codec.ts';
import type { Cursor } from '../../operators/shuffle/runs/cursor.ts';
import { openAll } from '../../operators/shuffle/runs/fdlimit.ts';
import { mergeCursors } from '../../operators/shuffle/runs/merge.ts';
import { RunReader, RunWriter } from '../../operators/shuffle/runs/runfile.ts';
import { mergeRuns } from '../../operators/shuffle/runs/merge-plan.ts';
import { compareKeys } from './keys.ts';
import { sumEqualKeys } from './sum-keys.ts';

/** The map outputs' on-disk format, part of a plan's fingerprint: a work dir of another format is not resumed
 * (its map tasks run again). Change it whenever what a map task leaves on disk changes. */
export const RUN_FORMAT = 'pairs-utf8-tagged/2';

/** A value as the runtime writes it: a finite number (tagged natively), JSON text, or undefined (no value). */
export type RunValue = number | string | undefined;

/** One record written to a run. */
export interface RunRecord {
  key: string;
  value: RunValue;
}

/** Writes RunRecords as pairCodec('utf8', 'tagged') payloads (JSON text under TAG_JSON, none under TAG_NONE). */
const writeCodec: Codec<RunRecord> = {
  name: 'pairs-utf8-tagged',
  maxBytes(r) {
    const kb = 3 * r.key.length;
    const v = r.value;
    return varintSize(kb) + kb + (typeof v === 'number' ? 9 : v === undefined ? 1 : 1 + 3 * v.length);
  },
  write(r, buf, off) {
    off = writeString(buf, off, r.key, 'utf8', 3 * r.key.length);
    const v = r.value;
    if (typeof v === 'number') return writeTaggedNumber(buf, off, v);
    if (v === undefined) {
      buf[off] = TAG_NONE;
      return off + 1;
    }
    buf[off++] = TAG_JSON;
    return off + buf.utf8Write(v, off);
  },
  read() {
    throw new Error('mrpipe: the run writer codec does not read');
  },
};

/** One record read from a merge: its key and its value (JSON text in `json`, parsed by valueOf, when tagged so). */
export interface MergedRecord {
  key: string;
  value: unknown;
  json: string | undefined;
}

/** The value of a merged record, parsing its JSON text only now. */
export function valueOf(r: MergedRecord): unknown {
  return r.json === undefined ? r.value : JSON.parse(r.json);
}

function readCodec(): Codec<MergedRecord> {
  const layout: PairLayout = { keyStart: 0, keyEnd: 0 };
  return {
    name: 'pairs-utf8-tagged',
    maxBytes: () => { throw new Error('mrpipe: the merged-record codec does not write'); },
    write: () => { throw new Error('mrpipe: the merged-record codec does not write'); },
    read(buf, start, end) {
      const { keyStart, keyEnd } = pairLayout(buf, start, layout);
      const key = buf.utf8Slice(keyStart, keyEnd);
      if (buf[keyEnd] === TAG_JSON) return { key, value: undefined, json: buf.utf8Slice(keyEnd + 1, end) };
      return { key, value: readTaggedValue(buf, keyEnd, end), json: undefined };
    },
  };
}

export type RunCursor = Cursor<MergedRecord>;
export type RawCursor = Cursor<RawPayload>;

export function runWriter(path: string, bufferSize: number): RunWriter<RunRecord> {
  return new RunWriter(path, writeCodec, bufferSize);
}

const byKey = (a: MergedRecord, b: MergedRecord): number => compareKeys(a.key, b.key);

export interface MergePlanOptions {
  fanIn: number;
  bufferSize: number;
  /** Directory for intermediate runs. */
  scratchDir: string;
  /** Called per intermediate run written. */
  onPass?: (path: string) => void;
}

let passSeq = 0;

/**
 * A range of keys in merge order, as UTF-8 bytes: from `from` (inclusive) up to `to` (exclusive); an end
 * left out is open. Two reduce tasks split at one key merge the two halves of a partition at once, and
 * their outputs, one after the other, are the whole partition's (equal keys fall on the same side).
 */
export interface KeyRange {
  from?: Uint8Array;
  to?: Uint8Array;
}

/**
 * A cursor over the stable merge of the given run files (equal keys in the order the runs are listed),
 * after the shuffle's merge planner has merged them down to one merge (intermediate runs, copied raw, live
 * in scratchDir; the caller deletes it). With a range, only its keys.
 */
export function openMerged(paths: string[], opts: MergePlanOptions, range?: KeyRange): RunCursor {
  const below = (bound: Uint8Array) => {
    const key = Buffer.from(bound).toString('utf8');
    return (r: MergedRecord) => compareKeys(r.key, key) < 0;
  };
  return openMergedWith(paths, opts, readCodec, byKey, range, below);
}

/** openMerged over the payloads' bytes: keys compared as bytes, nothing decoded. */
export function openMergedRaw(paths: string[], opts: MergePlanOptions, range?: KeyRange): RawCursor {
  return openMergedWith(paths, opts, rawCodec, compareRawPairKeys, range, rawKeyBelow);
}

function openMergedWith<T>(
  paths: string[], opts: MergePlanOptions, codec: () => Codec<T>, cmp: (a: T, b: T) => number,
  range: KeyRange | undefined, below: (bound: Uint8Array) => (r: T) => boolean,
): Cursor<T> {
  const open = <R>(ps: string[], c: () => Codec<R>) => openAll(ps, (p) => new RunReader(p, c(), opts.bufferSize));
  const { merged } = mergeRuns(paths, { fanIn: opts.fanIn }, {
    merge: (group) => mergeGroup(group, opts, (ps) => open(ps, rawCodec)),
    open: (ps) => open(ps, codec),
  });
  if (!range || (!range.from && !range.to)) return mergeCursors(merged, cmp);
  const from = range.from && below(range.from);
  const to = range.to && below(range.to);
  return mergeCursors(merged.map((c) => new RangeCursor(c, from, to)), cmp);
}

/** Whether a raw pair's key bytes come before `bound`'s. */
function rawKeyBelow(bound: Uint8Array): (r: RawPayload) => boolean {
  const layout: PairLayout = { keyStart: 0, keyEnd: 0 };
  const m = bound.length;
  return (r) => {
    const { keyStart: k, keyEnd: e } = pairLayout(r.buf, r.start, layout);
    const buf = r.buf;
    const len = e - k;
    const n = len < m ? len : m;
    for (let i = 0; i < n; i++) {
      const d = buf[k + i] - bound[i];
      if (d !== 0) return d < 0;
    }
    return len < m;
  };
}

/** A sorted cursor's records within a key range: those below `from` are skipped, the first not below `to` ends it. */
class RangeCursor<T> implements Cursor<T> {
  current: T = undefined as T;
  private readonly src: Cursor<T>;
  private belowFrom: ((r: T) => boolean) | undefined;
  private readonly belowTo: ((r: T) => boolean) | undefined;

  constructor(src: Cursor<T>, belowFrom: ((r: T) => boolean) | undefined, belowTo: ((r: T) => boolean) | undefined) {
    this.src = src;
    this.belowFrom = belowFrom;
    this.belowTo = belowTo;
  }

  advance(): boolean {
    const src = this.src;
    for (;;) {
      if (!src.advance()) return false;
      const r = src.current;
      if (this.belowFrom) {
        if (this.belowFrom(r)) continue;
        this.belowFrom = undefined;
      }
      if (this.belowTo && !this.belowTo(r)) {
        this.close();
        return false;
      }
      this.current = r;
      return true;
    }
  }

  close(): void {
    this.src.close();
  }
}

/**
 * A key that splits the merge of these runs into two halves of about equal bytes (undefined for no
 * records): each run's key at its middle byte, and the middle one of those. Any key splits correctly;
 * the runs, each a sample of the same job's keys, only make the halves even. Reads half of every run.
 */
export function middleKey(paths: readonly string[], bufferSize: number): Buffer | undefined {
  const middles: Buffer[] = [];
  const layout: PairLayout = { keyStart: 0, keyEnd: 0 };
  for (const path of paths) {
    const half = statSync(path).size / 2;
    const reader = new RunReader(path, rawCodec(), bufferSize);
    try {
      let at = 0;
      while (reader.advance()) {
        const r = reader.current;
        at += r.end - r.start + varintSize(r.end - r.start);
        if (at < half) continue;
        const { keyStart, keyEnd } = pairLayout(r.buf, r.start, layout);
        middles.push(Buffer.from(r.buf.subarray(keyStart, keyEnd)));
        break;
      }
    } finally {
      reader.close();
    }
  }
  if (middles.length === 0) return undefined;
  middles.sort(Buffer.compare);
  return middles[middles.length >> 1];
}

/** Merges a group of runs into one intermediate run, payloads copied; undefined when the fd limit stopped it (nothing left open). */
function mergeGroup(group: string[], opts: MergePlanOptions, openRuns: (ps: string[]) => RunReader<RawPayload>[] | undefined): string | undefined {
  const readers = openRuns(group);
  if (!readers) return undefined;
  const m = mergeCursors(readers, compareRawPairKeys);
  const out = join(opts.scratchDir, `merge-${process.pid}-${++passSeq}.run`);
  let w: RunWriter<RawPayload>;
  try {
    w = new RunWriter(out, rawCodec(), opts.bufferSize);
  } catch (err) {
    m.close();
    throw err; // an fd limit here is the planner's to handle
  }
  try {
    while (m.advance()) w.write(m.current);
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  } finally {
    m.close();
  }
  opts.onPass?.(out);
  return out;
}

/**
 * Merges runs (one map task's spills of a partition, in spill order) into one run at `out`, stably, payloads
 * copied; with `sumCounts` (a sum/count job: every value a tagged number) equal keys become one record with
 * their total, checked like the reduce's. Done in the map task, in parallel with the other tasks, it leaves
 * the reduce one run per map task to merge. Returns the records written.
 */
export function mergeInto(paths: string[], out: string, opts: MergePlanOptions, sumCounts: boolean): number {
  const cur = openMergedRaw(paths, opts);
  let w: RunWriter<RawPayload> | undefined;
  try {
    w = new RunWriter(out, rawCodec(), opts.bufferSize);
    if (!sumCounts) {
      while (cur.advance()) w.write(cur.current);
    } else {
      const writer = w;
      const rec: RawPayload = { buf: allocRunBuffer(256), start: 0, end: 0 };
      sumEqualKeys(cur, (buf, v, end) => Number(readTaggedValue(buf, v, end)), (key, n, total) => {
        // The key is decoded only for checkSum's error (an overflow to ±Infinity).
        const sum = total - total === 0 ? total : checkSum(total, key.utf8Slice(0, n));
        const width = varintSize(n);
        if (width + n + 9 > rec.buf.length) rec.buf = allocRunBuffer(2 * (width + n + 9));
        writeVarint(rec.buf, 0, n, width);
        copyBytes(key, 0, n, rec.buf, width);
        rec.end = writeTaggedNumber(rec.buf, width + n, sum + 0);
        writer.write(rec);
      });
    }
    w.close();
    return w.records;
  } catch (err) {
    w?.abort();
    throw err;
  } finally {
    cur.close();
  }
}
