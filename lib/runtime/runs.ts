// Own codec, shuffle's files and merge: values stay JSON text (merge passes copy them unparsed; a reducer parses what it pulls) and "no value" round-trips, which pairCodec cannot do.
// Run files of the runtime are the shuffle operators' run files (RunWriter/RunReader: LEB128-framed
// payloads, big synchronous reads and writes) and are merged with the shuffle's stable heap merge
// (mergeCursors). Only the payload is the runtime's: [varint key bytes][key UTF-8][0 | 1 + value JSON].
import { join } from 'node:path';
import {
  mergeCursors, openAll, RunReader, RunWriter, varintSize, writeVarint, type Codec, type Cursor, type RunBuffer,
} from '../../operators/shuffle/index.ts';
import { mergeRuns } from '../../operators/shuffle/merge-plan.ts';
import { compareKeys } from './keys.ts';

/** One record of a run: a key and its value as JSON text (undefined = the map emitted no value). */
export interface RunRecord {
  key: string;
  json: string | undefined;
}

const NO_VALUE = 0;
const JSON_VALUE = 1;

/** The payload codec. Keys are UTF-8 for every job (a latin1 job's keys could hold chars above 0xFF). */
export const runCodec: Codec<RunRecord> = {
  name: 'mrpipe-runtime-kv',
  maxBytes: (r) => 5 + 3 * r.key.length + 1 + (r.json === undefined ? 0 : 3 * r.json.length),
  write(r, buf, off) {
    const max = 3 * r.key.length;
    const width = varintSize(max);
    const n = buf.utf8Write(r.key, off + width);
    writeVarint(buf, off, n, width);
    off += width + n;
    if (r.json === undefined) {
      buf[off] = NO_VALUE;
      return off + 1;
    }
    buf[off] = JSON_VALUE;
    return off + 1 + buf.utf8Write(r.json, off + 1);
  },
  read(buf, start, end) {
    let n = 0;
    let shift = 1;
    let b: number;
    do {
      b = buf[start++];
      n += (b & 0x7f) * shift;
      shift *= 128;
    } while (b & 0x80);
    const key = buf.utf8Slice(start, start + n);
    const at = start + n;
    return { key, json: buf[at] === NO_VALUE ? undefined : buf.utf8Slice(at + 1, end) };
  },
};

export type RunCursor = Cursor<RunRecord>;

/** A run record as its payload bytes, buf[start, end): valid until its reader advances. */
export interface RawRecord {
  buf: RunBuffer;
  start: number;
  end: number;
}

export type RawCursor = Cursor<RawRecord>;

/** The payload codec without decoding: each reader gets its own (its record object is reused). */
function rawCodec(): Codec<RawRecord> {
  const rec: RawRecord = { buf: undefined as unknown as RunBuffer, start: 0, end: 0 };
  return {
    name: 'mrpipe-runtime-kv-raw',
    maxBytes: (r) => r.end - r.start,
    write: (r, buf, off) => off + r.buf.copy(buf, off, r.start, r.end),
    read(buf, start, end) {
      rec.buf = buf;
      rec.start = start;
      rec.end = end;
      return rec;
    },
  };
}

/** Where a raw record's key starts (after its varint length); its length is in keyLength. */
export const raw = { keyLength: 0 };
export function keyStart(buf: Uint8Array, at: number): number {
  let n = 0;
  let shift = 1;
  let b: number;
  do {
    b = buf[at++];
    n += (b & 0x7f) * shift;
    shift *= 128;
  } while (b & 0x80);
  raw.keyLength = n;
  return at;
}

/** Key order on the bytes (the keys are UTF-8: byte order is compareKeys' order), no string made. */
function byRawKey(a: RawRecord, b: RawRecord): number {
  const ka = keyStart(a.buf, a.start);
  const la = raw.keyLength;
  const kb = keyStart(b.buf, b.start);
  const lb = raw.keyLength;
  const n = la < lb ? la : lb;
  const x = a.buf;
  const y = b.buf;
  for (let i = 0; i < n; i++) {
    const d = x[ka + i] - y[kb + i];
    if (d !== 0) return d;
  }
  return la - lb;
}

export function runWriter(path: string, bufferSize: number): RunWriter<RunRecord> {
  return new RunWriter(path, runCodec, bufferSize);
}

const byKey = (a: RunRecord, b: RunRecord): number => compareKeys(a.key, b.key);

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
 * A cursor over the stable merge of the given run files (equal keys in the order the runs are listed),
 * after the shuffle's merge planner (mergeRuns: consecutive groups, fd-limit fallback) has merged them
 * down to one merge. Intermediate runs live in scratchDir; the caller deletes it.
 */
export function openMerged(paths: string[], opts: MergePlanOptions): RunCursor {
  return openMergedWith(paths, opts, () => runCodec, byKey);
}

/** openMerged over the records' bytes: keys compared as bytes, payloads copied as they are. */
export function openMergedRaw(paths: string[], opts: MergePlanOptions): RawCursor {
  return openMergedWith(paths, opts, rawCodec, byRawKey);
}

function openMergedWith<T>(paths: string[], opts: MergePlanOptions, codec: () => Codec<T>, cmp: (a: T, b: T) => number): Cursor<T> {
  const openRuns = (ps: string[]) => openAll(ps, (p) => new RunReader(p, codec(), opts.bufferSize));
  const { merged } = mergeRuns(paths, { fanIn: opts.fanIn }, {
    merge: (group) => mergeGroup(group, opts, openRuns, codec(), cmp),
    open: openRuns,
  });
  return mergeCursors(merged, cmp);
}

/** Merges a group of runs into one intermediate run; undefined when the fd limit stopped it (nothing left open). */
function mergeGroup<T>(
  group: string[], opts: MergePlanOptions, openRuns: (ps: string[]) => RunReader<T>[] | undefined, codec: Codec<T>, cmp: (a: T, b: T) => number,
): string | undefined {
  const readers = openRuns(group);
  if (!readers) return undefined;
  const m = mergeCursors(readers, cmp);
  const out = join(opts.scratchDir, `merge-${process.pid}-${++passSeq}.run`);
  let w: RunWriter<T>;
  try {
    w = new RunWriter(out, codec, opts.bufferSize);
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
