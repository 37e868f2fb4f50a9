// A reduce task: stable merge of its partition's runs from every map task -> groups of equal keys (or of
// equal group(key)) -> the user's reduce, its values streamed from the merge (never gathered in an array)
// -> the part file, written under a temp name and renamed when complete.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ResolvedJob } from '../job/load.ts';
import { formatRecord } from '../job/format.ts';
import type { Counters, ReduceContext } from '../job/types.ts';
import { callReduce, reduceEmit } from '../job/checks.ts';
import { KeyGroups, type KeyedSource } from '../../operators/shuffle/keyed/group.ts';
import { readTaggedValue } from '../../operators/shuffle/runs/codec.ts';
import { taskBudget } from './budget.ts';
import { addCounter, BUILTIN_GROUP } from './counters.ts';
import { openMerged, openMergedRaw, valueOf, type RawCursor, type RunCursor } from './runs.ts';
import { sumEqualKeys } from './sum-keys.ts';
import { PartBytes } from './part-bytes.ts';
import { builtins, checkSum, type Aggregator } from '../../operators/shuffle/keyed/builtins.ts';
import type { ReduceTaskResult, ReduceTaskSpec, TaskEnv, TaskProgress } from './task-types.ts';

/** Buffered text output to a file descriptor; latin1 jobs write their strings back as the bytes they came from. */
export class PartWriter {
  private fd: number;
  private readonly encoding: 'utf8' | 'latin1';
  readonly path: string;
  private pending: string[] = [];
  private size = 0;
  records = 0;
  constructor(path: string, encoding: 'utf8' | 'latin1' = 'utf8') {
    this.fd = openSync(path, 'wx', 0o666);
    this.encoding = encoding;
    this.path = path;
  }
  write(s: string): void {
    this.pending.push(s);
    this.size += s.length;
    this.records++;
    if (this.size >= 1 << 18) this.flush();
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    const b = Buffer.from(this.pending.join(''), this.encoding);
    this.pending = [];
    this.size = 0;
    let off = 0;
    try {
      while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new Error(`disk full (ENOSPC) writing output ${this.path}: free space beside the output directory or choose another output; the partial part was removed`, { cause: err });
      }
      throw err;
    }
  }
  close(): void {
    if (this.fd < 0) return;
    try { this.flush(); } finally { closeSync(this.fd); this.fd = -1; }
  }
}

/** The merged runs as a keyed source for the group-by (JSON values parsed only when a reducer takes them). */
function runSource(cur: RunCursor): KeyedSource<unknown> {
  return { advance: () => cur.advance(), key: () => cur.current.key, value: () => valueOf(cur.current) };
}

/** A built-in counting reduce ('sum', 'count') on TSV output with no group: reduced on the run bytes. */
function countsOnBytes(job: ResolvedJob): boolean {
  return (job.agg === builtins.sum || job.agg === builtins.count) && !job.group && job.output === 'tsv';
}

/**
 * The counting reduce on bytes: the merge compares keys as bytes, a group's partial counts are summed as
 * they stream by (tagged numbers read in place), and `key<TAB>total` is written from the key's bytes — no
 * string and no JSON per record. Same output, counters and errors as the general reduce with the built-in.
 */
function reduceCounts(cur: RawCursor, out: PartBytes, agg: Aggregator, encoding: 'utf8' | 'latin1', onGroups: (groups: number, records: number) => void): [number, number] {
  let groups = 0;
  const keyOf = (buf: Buffer, s: number, n: number): string => buf.toString('utf8', s, s + n);
  const records = sumEqualKeys(cur, (buf, v, end, k, n) => agg.partial(readTaggedValue(buf, v, end), keyOf(buf, k, n)) as number, (held, heldLength, total, records) => {
    if (total - total !== 0) checkSum(total, keyOf(held, 0, heldLength));
    let ascii = true;
    for (let i = 0; i < heldLength; i++) if (held[i] >= 0x80) { ascii = false; break; }
    // The key's bytes are its UTF-8: written as they are, unless a latin1 job's key needs its chars as bytes.
    if (ascii || encoding === 'utf8') out.line(held, 0, heldLength, agg.result(total, ''));
    else out.text(keyOf(held, 0, heldLength), encoding, agg.result(total, ''));
    if ((++groups & 0xffff) === 0) onGroups(groups, records);
  });
  return [groups, records];
}

export function runReduceTask(job: ResolvedJob, spec: ReduceTaskSpec, env: TaskEnv, onProgress?: (p: TaskProgress) => void): Promise<ReduceTaskResult> {
  const counters: Counters = {};
  const counter = (group: string, name: string, n = 1) => addCounter(counters, group, name, n);
  const progress: TaskProgress = { id: spec.id, bytesRead: 0, recordsIn: 0, recordsOut: 0, spills: 0 };
  const bufferSize = taskBudget(env.budget, env.fanIn).readBuffer;
  return (async () => {
    const tctx = { taskId: spec.id, kind: 'reduce' as const, counter };
    await job.setup?.(tctx);
    mkdirSync(spec.scratch, { recursive: true, mode: 0o700 });
    const mergeOpts = { fanIn: env.fanIn, bufferSize, scratchDir: spec.scratch, onPass: () => { progress.spills++; } };
    if (countsOnBytes(job)) {
      const bytesOut = new PartBytes(spec.tmpPath);
      let raw: RawCursor | undefined;
      try {
        raw = openMergedRaw(spec.runs, mergeOpts, spec.range);
        const [groups, records] = reduceCounts(raw, bytesOut, job.agg as Aggregator, job.encoding, (g, n) => {
          progress.recordsIn = n;
          progress.recordsOut = g;
          onProgress?.({ ...progress });
        });
        bytesOut.close();
        renameSync(spec.tmpPath, spec.final);
        progress.recordsIn = records;
        progress.recordsOut = groups;
        onProgress?.({ ...progress });
        addCounter(counters, BUILTIN_GROUP, 'reduceInputGroups', groups);
        addCounter(counters, BUILTIN_GROUP, 'reduceInputRecords', records);
        addCounter(counters, BUILTIN_GROUP, 'outputRecords', groups);
        addCounter(counters, BUILTIN_GROUP, 'mergePasses', progress.spills);
        return { id: spec.id, counters };
      } finally {
        raw?.close();
        bytesOut.closeFd();
        rmSync(spec.scratch, { recursive: true, force: true });
        await job.teardown?.(tctx);
      }
    }
    const out = new PartWriter(spec.tmpPath, job.encoding);
    let cur: RunCursor | undefined;
    try {
      cur = openMerged(spec.runs, mergeOpts, spec.range);
      const fmt = job.output;
      const reduce = job.reduce;
      let groupCount = 0;
      let inRecords = 0;
      if (!reduce) {
        while (cur.advance()) {
          inRecords++;
          out.write(formatRecord(cur.current.key, valueOf(cur.current), fmt));
        }
      } else {
        const ctx: ReduceContext = {
          key: '', taskId: spec.id, counter, emit: reduceEmit((k, v) => out.write(formatRecord(k, v, fmt))),
        };
        const groups = new KeyGroups(runSource(cur), { group: job.group, onValue: (k) => { ctx.key = k; } });
        for (let gkey = groups.nextGroup(); gkey !== null; gkey = groups.nextGroup()) {
          const r = callReduce(reduce, gkey, groups.values(), ctx);
          if (r !== undefined) out.write(formatRecord(gkey, r, fmt));
          groupCount++;
          if ((groupCount & 0xffff) === 0) { progress.recordsIn = groups.records; progress.recordsOut = out.records; onProgress?.({ ...progress }); }
        }
        inRecords = groups.records;
      }
      out.close();
      renameSync(spec.tmpPath, spec.final);
      progress.recordsIn = inRecords;
      progress.recordsOut = out.records;
      onProgress?.({ ...progress });
      addCounter(counters, BUILTIN_GROUP, 'reduceInputGroups', groupCount);
      addCounter(counters, BUILTIN_GROUP, 'reduceInputRecords', inRecords);
      addCounter(counters, BUILTIN_GROUP, 'outputRecords', out.records);
      addCounter(counters, BUILTIN_GROUP, 'mergePasses', progress.spills);
      return { id: spec.id, counters };
    } finally {
      cur?.close();
      out.close();
      rmSync(spec.scratch, { recursive: true, force: true });
      await job.teardown?.(tctx);
    }
  })();
}
