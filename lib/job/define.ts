// defineJob only adds types: the object it returns is the object it was given.
import type { Job } from './types.ts';

export function defineJob<R = string, V = unknown, O = unknown>(job: Job<R, V, O>): Job<R, V, O> {
  return job;
}
