// Messages for file-system errors: what went wrong with which path, and what to do about it.

/** A readable message for a file-system error on `path`, with a hint of what to do. */
export function describeFsError(err: unknown, path: string): string {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case 'ENOENT': return `${path}: no such file or directory — check the path`;
    case 'EACCES': case 'EPERM': return `${path}: permission denied — check the file's permissions`;
    case 'EISDIR': return `${path}: is a directory — name the files inside it (e.g. ${path}/*)`;
    case 'ENOSPC': return `${path}: no space left on device — free space or use --tmp-dir on a larger disk`;
    default: return `${path}: ${(err as Error)?.message ?? String(err)}`;
  }
}
