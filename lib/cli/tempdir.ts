// Temp directories the CLI creates for its own spills, removed on success, on error and on SIGINT/SIGTERM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeAllSync(): void {
  for (const dir of live) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort on the way out */ }
  }
  live.clear();
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      removeAllSync();
      process.stderr.write(`mrpipe: interrupted (${sig}); temporary files removed\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.once('exit', removeAllSync);
}

/** Runs `body` with a fresh directory under `parent` (default os.tmpdir()), removed afterwards. */
export async function withTempDir<T>(parent: string | undefined, body: (dir: string) => Promise<T>): Promise<T> {
  hookSignals();
  const dir = await fs.promises.mkdtemp(path.join(parent ?? os.tmpdir(), 'mrpipe-'));
  live.add(dir);
  try {
    return await body(dir);
  } finally {
    live.delete(dir);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
