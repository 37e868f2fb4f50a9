// A job that ran out of file descriptors, wherever it hit the limit, said as one line with what to do.

const FD_LIMIT = /EMFILE|ENFILE|too many open files/i;

/** True when err, or an error in its cause chain, is the open-file limit (whatever thread or syscall hit it). */
function hitFdLimit(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'EMFILE' || code === 'ENFILE') return true;
    if (FD_LIMIT.test(e instanceof Error ? e.message : String(e))) return true;
  }
  return false;
}

/**
 * Any error of a job that ran out of file descriptors, said as one line with what to do. Where EMFILE
 * strikes depends on timing (a worker starting, a run being opened, the output dir being made — whichever
 * asks for a descriptor first once the threads hold theirs), so the job's catch-all translates it rather
 * than each call site. Errors that already say what to do are kept as they are.
 */
export function fdLimitFailure(err: unknown, workers: number): unknown {
  if (!hitFdLimit(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/raise ulimit -n|ulimit -n\)/.test(message)) return err;
  const what = message.replace(/\s+/g, ' ').replace(/^[\s,:;-]+/, '').trim();
  return new Error(`too many open files (${what}): the open-file limit is too low for workers: ${workers}; `
    + 'raise ulimit -n or lower workers', { cause: err });
}
