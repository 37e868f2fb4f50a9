// Temp directories for the CLI's own spills (wordcount runs), made through the shuffle operators' registry
// so they are removed on success, on error, at exit and on SIGINT/SIGTERM like every other mrpipe temp dir.
import { makeTempDir, removeTempDir } from '../../operators/shuffle/tempdirs.ts';

/** Runs `body` with a fresh directory under `parent` (default os.tmpdir()), removed afterwards. */
export async function withTempDir<T>(parent: string | undefined, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(parent, 'mrpipe-cli-');
  try {
    return await body(dir);
  } finally {
    removeTempDir(dir);
  }
}
