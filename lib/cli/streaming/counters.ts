// User and built-in counters of a streaming task, reported to Hadoop on stderr as increments
// (`reporter:counter:GROUP,NAME,AMOUNT`), every few seconds while the task runs and once at the end.
import { BUILTIN_GROUP } from '../../job/records.ts';
import { counterLine } from './protocol.ts';

export const GROUP = BUILTIN_GROUP;

export class StreamingCounters {
  readonly #pending = new Map<string, number>();
  readonly totals = new Map<string, number>();
  #last = Date.now();

  add(group: string, name: string, n = 1): void {
    const k = `${group}\u0000${name}`;
    this.#pending.set(k, (this.#pending.get(k) ?? 0) + n);
    this.totals.set(k, (this.totals.get(k) ?? 0) + n);
  }

  /** Reports pending increments if a few seconds have passed (keeps a long task alive in Hadoop). */
  tick(): void {
    if (Date.now() - this.#last > 5000) this.flush();
  }

  flush(): void {
    this.#last = Date.now();
    if (this.#pending.size === 0) return;
    let text = '';
    for (const [k, n] of this.#pending) {
      const [group, name] = k.split('\u0000');
      text += counterLine(group, name, n);
    }
    this.#pending.clear();
    process.stderr.write(text);
  }
}
