// What survives a killed job: the plan's fingerprint and, per committed map task, its run files and a
// manifest. A map attempt writes into attempts/<id>-aN/; on success the dir is renamed to map/<id>/ and
// then map/<id>.json is written (temp + rename). A task counts as committed only when its manifest
// exists, so a kill at any moment leaves either a committed task or debris that a resume deletes.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MapTaskResult } from './task-types.ts';
import type { PlannedSplit } from './planner.ts';
import { RUN_FORMAT } from './runs.ts';

export interface PlanFacts {
  job: string;
  reducers: number;
  splits: PlannedSplit[];
}

export function fingerprint(f: PlanFacts): string {
  const facts = {
    format: RUN_FORMAT,
    job: f.job,
    reducers: f.reducers,
    splits: f.splits.map((s) => [resolve(s.file.path), s.file.size, s.file.mtimeMs, s.start, s.end === Infinity ? -1 : s.end]),
  };
  // node:crypto loaded on first use: a run whose output is a stream never hashes its plan (run-job.ts).
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify(facts)).digest('hex');
}

export class WorkDir {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    for (const d of ['map', 'attempts', 'scratch']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  }

  /** True when the dir holds a plan with this fingerprint (the same job on the same inputs). */
  matches(fp: string): boolean {
    try {
      return (JSON.parse(readFileSync(join(this.dir, 'plan.json'), 'utf8')) as { fingerprint: string }).fingerprint === fp;
    } catch {
      return false;
    }
  }

  writePlan(fp: string): void {
    this.atomicWrite(join(this.dir, 'plan.json'), JSON.stringify({ fingerprint: fp }));
  }

  attemptDir(id: string, attempt: number): string {
    return join(this.dir, 'attempts', `${id}-a${attempt}`);
  }

  taskDir(id: string): string {
    return join(this.dir, 'map', id);
  }

  /** Moves a finished attempt into place and writes its manifest (the commit point). */
  commitMap(attempt: string, result: MapTaskResult): void {
    const dir = this.taskDir(result.id);
    rmSync(dir, { recursive: true, force: true });
    renameSync(attempt, dir);
    this.atomicWrite(`${dir}.json`, JSON.stringify(result));
  }

  /** The committed result of a map task, if any. */
  committed(id: string): MapTaskResult | undefined {
    const manifest = `${this.taskDir(id)}.json`;
    if (!existsSync(manifest)) return undefined;
    try {
      const r = JSON.parse(readFileSync(manifest, 'utf8')) as MapTaskResult;
      const dir = this.taskDir(id);
      for (const part of r.runs) for (const run of part) if (!existsSync(join(dir, run))) return undefined;
      return r;
    } catch {
      return undefined;
    }
  }

  /** Deletes attempt debris and uncommitted task dirs (after a kill). */
  clearDebris(): void {
    rmSync(join(this.dir, 'attempts'), { recursive: true, force: true });
    rmSync(join(this.dir, 'scratch'), { recursive: true, force: true });
    mkdirSync(join(this.dir, 'attempts'), { mode: 0o700 });
    mkdirSync(join(this.dir, 'scratch'), { mode: 0o700 });
    for (const name of readdirSync(join(this.dir, 'map'))) {
      if (!name.endsWith('.json') && !existsSync(join(this.dir, 'map', `${name}.json`))) {
        rmSync(join(this.dir, 'map', name), { recursive: true, force: true });
      }
    }
  }

  private atomicWrite(path: string, text: string): void {
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
}
