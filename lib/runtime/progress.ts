// Job-wide progress from per-task reports: the latest figures of every task summed, task states counted,
// emitted at most every 100 ms (and at phase changes).
import type { JobProgress, TaskEvent, TaskState } from '../job/types.ts';
import type { TaskProgress } from './task-types.ts';

export class ProgressTracker {
  phase: JobProgress['phase'] = 'plan';
  bytesTotal = 0;
  private readonly tasks = new Map<string, TaskProgress>();
  private readonly states = new Map<string, TaskState>();
  private last = 0;
  private readonly emit: (p: JobProgress) => void;

  constructor(emit: (p: JobProgress) => void) {
    this.emit = emit;
  }

  task(p: TaskProgress): void {
    this.tasks.set(p.id, p);
    this.maybeEmit();
  }

  state(e: Pick<TaskEvent, 'id' | 'state'>): void {
    this.states.set(e.id, e.state);
    this.maybeEmit();
  }

  setPhase(phase: JobProgress['phase']): void {
    this.phase = phase;
    this.flush();
  }

  snapshot(): JobProgress {
    const p: JobProgress = {
      phase: this.phase, bytesRead: 0, bytesTotal: this.bytesTotal, recordsIn: 0, recordsOut: 0, spills: 0,
      tasks: { pending: 0, running: 0, done: 0, failed: 0, retrying: 0, reused: 0 },
    };
    for (const [id, t] of this.tasks) {
      if (id.startsWith('map')) { p.bytesRead += t.bytesRead; p.recordsIn += t.recordsIn; }
      p.recordsOut += id.startsWith('reduce') ? t.recordsOut : 0;
      p.spills += t.spills;
    }
    for (const s of this.states.values()) p.tasks[s]++;
    return p;
  }

  private maybeEmit(): void {
    const now = Date.now();
    if (now - this.last >= 100) this.flush();
  }

  flush(): void {
    this.last = Date.now();
    this.emit(this.snapshot());
  }
}
