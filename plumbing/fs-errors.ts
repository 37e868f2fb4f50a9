// Messages for file-system errors: what went wrong with which path, and what to do about it.

/** A readable message for a file-system error on `path`, with a hint of what to do. */
export function describeFsError(err: unknown, path: string): string {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case 'ENOENT': return `${path}: no such file or directory — check the path`;
    case 'EACCES': case 'EPERM': return `${path}: permission denied — check the file's permissions`;
    case 'EISDIR': return `${path}: is a directory — name the files inside it (e.g. ${path}/*)`;
    case 'ENOSPC': case 'EDQUOT': return `${path}: no space left on device (${code}) — free space on its disk, or write somewhere else`;
    case 'EFBIG': return `${path}: file too large (EFBIG: a file size limit, ulimit -f) — write somewhere else or raise the limit`;
    case 'ELOOP': return `${path}: too many levels of symbolic links (a loop?) — check where the links point`;
    case 'ENAMETOOLONG': return `${path}: a name in the path is too long (ENAMETOOLONG) — use a shorter name`;
    case 'EROFS': return `${path}: read-only file system — write somewhere else`;
    default: return `${path}: ${(err as Error)?.message ?? String(err)}`;
  }
}
