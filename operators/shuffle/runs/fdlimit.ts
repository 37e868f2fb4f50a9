// Merging under a low file-descriptor limit (`ulimit -n`): a merge of F runs needs F + 1 descriptors on
// top of what the process already holds. Like GNU sort, a merge that cannot open its runs lowers its
// fan-in and merges in more passes instead of failing; only when even two runs cannot be open at once
// does it give up, saying what to do.

/** True for "too many open files" (this process: EMFILE; the whole system: ENFILE). Node 24's recursive
 * rmSync reports it with an empty code ("Unknown error: Too many open files"), hence the message test. */
export function isFdLimit(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EMFILE' || code === 'ENFILE') return true;
  return err instanceof Error && /too many open files/i.test(err.message);
}

/** The error when not even a 2-way merge can open its files. */
export class TooFewFilesError extends Error {
  readonly code = 'EMFILE';
  constructor(cause?: unknown) {
    super('mrpipe: too many open files: cannot open even 2 sorted runs at once to merge them — raise the file descriptor limit (ulimit -n)', { cause });
  }
}

/** The next fan-in to try after an fd-limit failure at `fanIn` (half, at least 2), or throws if at 2. */
export function lowerFanIn(fanIn: number, cause?: unknown): number {
  if (fanIn <= 2) throw new TooFewFilesError(cause);
  return Math.max(2, Math.floor(fanIn / 2));
}

/**
 * Opens one cursor per file. On an fd-limit error the ones already open are closed and undefined is
 * returned (the caller lowers its fan-in and retries); any other error closes them and is thrown.
 */
export function openAll<C extends { close(): void }>(files: readonly string[], open: (file: string, i: number) => C): C[] | undefined {
  const opened: C[] = [];
  try {
    for (let i = 0; i < files.length; i++) opened.push(open(files[i], i));
    return opened;
  } catch (err) {
    for (const c of opened) c.close();
    if (isFdLimit(err)) return undefined;
    throw err;
  }
}
