// The runtime's run files are the shuffle's pair runs: RunWriter/RunReader frames holding pairCodec's
// payload [varint key bytes][UTF-8 key][tag][value] (codec.ts), merged by the shuffle's planner (mergeRuns:
// fan-in, fd-limit fallback) and its stable heap merge (mergeCursors). What is the runtime's own: a value
// arrives here already checked (a finite number, JSON text, or none), JSON text is parsed only when a
// reducer pulls it, and merge passes copy payloads as they are (rawCodec), never decoding a record.
import { join } from 'node:path';
import { checkSum } from '../../operators/shuffle/keyed/builtins.ts';
import { allocRunBuffer, compareRawPairs, copyBytes, pairLayout, rawCodec, rawPairCodec, readTaggedValue, TAG_JSON, TAG_NONE, varintSize, writeString, writeTaggedNumber, writeVarint, type Codec, type PairLayout, type RawPair, type RawPayload, type RunBuffer } from '../../operators/shuffle/runs/codec.ts';
import type { Cursor } from '../../operators/shuffle/runs/cursor.ts';
import { openAll } from '../../operators/shuffle/runs/fdlimit.ts';
import { mergeCursors } from '../../operators/shuffle/runs/merge.ts';
import { RunReader, RunWriter, type FrameSampler } from '../../operators/shuffle/runs/runfile.ts';
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
export type RawCursor = Cursor<RawPair>;

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
 * left out is open. Reduce tasks given the ranges cut at some keys merge the pieces of a partition at once,
 * and their outputs, one after the other, are the whole partition's (equal keys fall on the same side).
 * `starts[i]`: where run i (of the paths merged) may be read from, a frame before every key of the range.
 */
export interface KeyRange {
  from?: Uint8Array;
  to?: Uint8Array;
  starts?: readonly number[];
}

/**
 * A run's sparse index: the keys (latin1 strings: a char per byte, so they compare in byte order and go
 * through JSON and across threads as they are) of frames about every `every` bytes, their frame offsets,
 * and the run's size.
 */
export interface RunIndex {
  keys: string[];
  offsets: number[];
  bytes: number;
}

/** Index entries a run keeps at most: past it every other one goes and the spacing doubles. */
const INDEX_ENTRIES = 512;
/** Keys longer than this are not sampled (the next frame is): an index holds only short keys whole. */
const INDEX_KEY_BYTES = 256;

/** Builds a RunIndex while a RunWriter writes pair payloads (set it as the writer's sampler). */
export class RunIndexer implements FrameSampler {
  next = 0;
  private every: number;
  private readonly keys: string[] = [];
  private readonly offsets: number[] = [];
  private readonly layout: PairLayout = { keyStart: 0, keyEnd: 0 };

  constructor(every = 1 << 16) {
    this.every = every;
  }

  take(buf: RunBuffer, start: number, _end: number, at: number): void {
    const { keyStart, keyEnd } = pairLayout(buf, start, this.layout);
    if (keyEnd - keyStart > INDEX_KEY_BYTES) return;
    this.keys.push(buf.latin1Slice(keyStart, keyEnd));
    this.offsets.push(at);
    if (this.keys.length >= INDEX_ENTRIES) {
      for (let i = 0; 2 * i < this.keys.length; i++) {
        this.keys[i] = this.keys[2 * i];
        this.offsets[i] = this.offsets[2 * i];
      }
      this.keys.length = this.offsets.length = INDEX_ENTRIES / 2;
      this.every *= 2;
    }
    this.next = this.offsets[this.offsets.length - 1] + this.every;
  }

  /** The index of the run its writer wrote, once that is closed. */
  indexOf(w: { bytes: number }): RunIndex {
    return { keys: this.keys, offsets: this.offsets, bytes: w.bytes };
  }
}

/**
 * Up to `parts` key ranges that cut the merge of these runs into pieces of about equal bytes, from their
 * indexes (a run without one is read whole by every piece); undefined when the indexes hold no key to cut
 * at. Any cut is correct; the indexes make the pieces even and give each run's start for each piece: the
 * last indexed frame whose key is below the piece's first key (every record before it is below that too).
 */
export function rangesByIndex(indexes: readonly (RunIndex | undefined)[], parts: number): KeyRange[] | undefined {
  const samples: { key: string; bytes: number }[] = [];
  let total = 0;
  for (const ix of indexes) {
    if (!ix) continue;
    for (let j = 0; j < ix.keys.length; j++) {
      const bytes = (j + 1 < ix.offsets.length ? ix.offsets[j + 1] : ix.bytes) - ix.offsets[j];
      samples.push({ key: ix.keys[j], bytes });
      total += bytes;
    }
  }
  samples.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const cuts: string[] = [];
  let seen = 0;
  for (const s of samples) {
    // A cut goes before the first sample whose middle is past the next share (that sample's key opens the
    // next piece); never between equal keys, nor before the first. So two keys indexed make at least one cut.
    if (cuts.length < parts - 1 && seen + s.bytes / 2 >= (total * (cuts.length + 1)) / parts
      && s.key !== samples[0].key && s.key !== cuts[cuts.length - 1]) cuts.push(s.key);
    seen += s.bytes;
  }
  if (cuts.length === 0) return undefined;
  const startOf = (ix: RunIndex | undefined, cut: string): number => {
    if (!ix) return 0;
    let lo = 0;
    let hi = ix.keys.length; // the first key not below the cut
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ix.keys[mid] < cut) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : ix.offsets[lo - 1];
  };
  const bound = (cut: string) => Buffer.from(cut, 'latin1');
  return [undefined, ...cuts].map((cut, k) => ({
    from: cut === undefined ? undefined : bound(cut),
    to: k < cuts.length ? bound(cuts[k]) : undefined,
    starts: indexes.map((ix) => (cut === undefined ? 0 : startOf(ix, cut))),
  }));
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
  return openMergedWith(paths, opts, rawPairCodec, compareRawPairs, range, rawKeyBelow);
}

function openMergedWith<T>(
  paths: string[], opts: MergePlanOptions, codec: () => Codec<T>, cmp: (a: T, b: T) => number,
  range: KeyRange | undefined, below: (bound: Uint8Array) => (r: T) => boolean,
): Cursor<T> {
  // A run given a start in the range is read from there (an intermediate run of a merge pass from 0).
  const starts = new Map(range?.starts ? paths.map((p, i) => [p, range.starts?.[i] ?? 0]) : []);
  const open = <R>(ps: string[], c: () => Codec<R>) => openAll(ps, (p) => new RunReader(p, c(), opts.bufferSize, undefined, starts.get(p)));
  const { merged } = mergeRuns(paths, { fanIn: opts.fanIn }, {
    merge: (group) => mergeGroup(group, opts, (ps) => open(ps, rawPairCodec)),
    open: (ps) => open(ps, codec),
  });
  if (!range || (!range.from && !range.to)) return mergeCursors(merged, cmp);
  const from = range.from && below(range.from);
  const to = range.to && below(range.to);
  return mergeCursors(merged.map((c) => new RangeCursor(c, from, to)), cmp);
}

/** Whether a raw pair's key bytes come before `bound`'s. */
function rawKeyBelow(bound: Uint8Array): (r: RawPair) => boolean {
  const m = bound.length;
  return (r) => {
    const k = r.keyStart;
    const e = r.keyEnd;
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

/** Merges a group of runs into one intermediate run, payloads copied; undefined when the fd limit stopped it (nothing left open). */
function mergeGroup(group: string[], opts: MergePlanOptions, openRuns: (ps: string[]) => RunReader<RawPair>[] | undefined): string | undefined {
  const readers = openRuns(group);
  if (!readers) return undefined;
  const m = mergeCursors(readers, compareRawPairs);
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
 * the reduce one run per map task to merge. `index`: builds the run's sparse index as it is written.
 * Returns the records and bytes written.
 */
export function mergeInto(paths: string[], out: string, opts: MergePlanOptions, sumCounts: boolean, index?: RunIndexer): { records: number; bytes: number } {
  const cur = openMergedRaw(paths, opts);
  let w: RunWriter<RawPayload> | undefined;
  try {
    w = new RunWriter(out, rawCodec(), opts.bufferSize);
    w.sampler = index;
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
    return { records: w.records, bytes: w.bytes };
  } catch (err) {
    w?.abort();
    throw err;
  } finally {
    cur.close();
  }
}
