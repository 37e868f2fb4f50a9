// A reduce task: stable merge of its partition's runs from every map task -> groups of equal keys (or of
// equal group(key)) -> the user's reduce, its values streamed from the merge (never gathered in an array)
// -> the part file, written under a temp name and renamed when complete.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ResolvedJob } from '../job/load.ts';
import { formatRecord } from '../job/format.ts';
import type { Counters, ReduceContext } from '../job/types.ts';
import { taskBudget } from './budget.ts';
import { addCounter, BUILTIN_GROUP } from './counters.ts';
import { openMerged, type RunCursor } from './runs.ts';
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

const parse = (v: string | undefined): unknown => (v === undefined ? undefined : JSON.parse(v));

/** The values of one group, pulled from the merge cursor on demand. */
class GroupValues implements Iterable<unknown>, Iterator<unknown> {
  /** True while the cursor holds a record of this group not handed out yet. */
  private pending = true;
  private ended = false;
  /** After the group: whether the cursor holds the next group's first record. */
  more = false;
  count = 0;
  private readonly cur: RunCursor;
  private readonly gkey: string;
  private readonly group: ((k: string) => string) | undefined;
  private readonly ctx: ReduceContext;

  constructor(cur: RunCursor, gkey: string, group: ((k: string) => string) | undefined, ctx: ReduceContext) {
    this.cur = cur;
    this.gkey = gkey;
    this.group = group;
    this.ctx = ctx;
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this;
  }

  next(): IteratorResult<unknown> {
    if (this.ended) return { value: undefined, done: true };
    if (!this.pending) {
      if (!this.cur.advance()) { this.ended = true; this.more = false; return { value: undefined, done: true }; }
      const k = this.cur.current.key;
      if ((this.group ? this.group(k) : k) !== this.gkey) { this.ended = true; this.more = true; return { value: undefined, done: true }; }
    }
    this.pending = false;
    this.count++;
    const r = this.cur.current;
    this.ctx.key = r.key;
    return { value: parse(r.json), done: false };
  }

  /** Skips what the reducer did not read. */
  drain(): void {
    while (!this.next().done) { /* skip */ }
  }
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
    const out = new PartWriter(spec.tmpPath, job.encoding);
    let cur: RunCursor | undefined;
    try {
      cur = openMerged(spec.runs, {
        fanIn: env.fanIn, bufferSize, scratchDir: spec.scratch, onPass: () => { progress.spills++; },
      });
      const fmt = job.output;
      const reduce = job.reduce;
      let groups = 0;
      let inRecords = 0;
      if (!reduce) {
        while (cur.advance()) {
          inRecords++;
          out.write(formatRecord(cur.current.key, parse(cur.current.json), fmt));
        }
      } else {
        const ctx: ReduceContext = {
          key: '', taskId: spec.id, counter,
          emit: (k: string, v: unknown) => {
            if (typeof k !== 'string') throw new TypeError(`reduce emit: key must be a string, got ${typeof k}`);
            out.write(formatRecord(k, v, fmt));
          },
        };
        const group = job.group;
        let more = cur.advance();
        while (more) {
          const k = cur.current.key;
          const gkey = group ? group(k) : k;
          const values = new GroupValues(cur, gkey, group, ctx);
          let r: unknown;
          try {
            r = reduce(gkey, values, ctx);
          } catch (err) {
            throw new Error(`reduce failed for key ${JSON.stringify(gkey)}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} [task ${spec.id}]`, { cause: err });
          }
          if (r !== undefined && typeof (r as Promise<unknown>)?.then === 'function') {
            throw new TypeError(`reduce returned a Promise for key ${JSON.stringify(gkey)}: reduce must be synchronous [task ${spec.id}]`);
          }
          if (r !== undefined) out.write(formatRecord(gkey, r, fmt));
          values.drain();
          more = values.more;
          groups++;
          inRecords += values.count;
          if ((groups & 0xffff) === 0) { progress.recordsIn = inRecords; progress.recordsOut = out.records; onProgress?.({ ...progress }); }
        }
      }
      out.close();
      renameSync(spec.tmpPath, spec.final);
      progress.recordsIn = inRecords;
      progress.recordsOut = out.records;
      onProgress?.({ ...progress });
      addCounter(counters, BUILTIN_GROUP, 'reduceInputGroups', groups);
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
