// defineJob only adds types: the object it returns is the object it was given.
import type { Job } from './types.ts';

/**
 * Types a job; returns the object it is given. A job file may export a plain object just as well: this only
 * checks it and types `map`'s record (R), emitted values (V) and `reduce`'s output (O).
 *
 * @example
 * export default defineJob<string, number>({
 *   name: 'wordcount',
 *   map(line, emit) { for (const w of line.split(/\s+/)) if (w) emit(w, 1); },
 *   reduce: 'sum',
 * });
 */
export function defineJob<R = string, V = unknown, O = unknown>(job: Job<R, V, O>): Job<R, V, O> {
  return job;
}
