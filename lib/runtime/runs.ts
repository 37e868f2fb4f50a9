// Own codec, shuffle's files and merge: values stay JSON text (merge passes copy them unparsed; a reducer parses what it pulls) and "no value" round-trips, which pairCodec cannot do.
// Run files of the runtime are the shuffle operators' run files (RunWriter/RunReader: LEB128-framed
// payloads, big synchronous reads and writes) and are merged with the shuffle's stable heap merge
// (mergeCursors). Only the payload is the runtime's: [varint key bytes][key UTF-8][0 | 1 + value JSON].
import { join } from 'node:path';
import {
  mergeCursors, openAll, RunReader, RunWriter, varintSize, writeVarint, type Codec, type Cursor,
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
  const openRuns = (ps: string[]) => openAll(ps, (p) => new RunReader(p, runCodec, opts.bufferSize));
  const { merged } = mergeRuns(paths, { fanIn: opts.fanIn }, {
    merge: (group) => mergeGroup(group, opts, openRuns),
    open: openRuns,
  });
  return mergeCursors(merged, byKey);
}

/** Merges a group of runs into one intermediate run; undefined when the fd limit stopped it (nothing left open). */
function mergeGroup(group: string[], opts: MergePlanOptions, openRuns: (ps: string[]) => RunReader<RunRecord>[] | undefined): string | undefined {
  const readers = openRuns(group);
  if (!readers) return undefined;
  const m = mergeCursors(readers, byKey);
  const out = join(opts.scratchDir, `merge-${process.pid}-${++passSeq}.run`);
  let w: RunWriter<RunRecord>;
  try {
    w = runWriter(out, opts.bufferSize);
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
