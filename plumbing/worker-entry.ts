// A worker thread's entry module as the CLI's build bundled it: scripts/bundle-cli.ts writes each worker
// entry under dist/ with everything it imports as one file, dist/cli/<its name>, which a thread loads in
// one read and compile instead of resolving and linking its ~40 modules (~30 ms of each thread's start-up).
// Sources (.ts) and a dist/ without the bundles start from the entry itself.
import { existsSync } from 'node:fs';

export function bundledEntry(entry: URL): URL {
  const href = entry.href;
  const dist = href.lastIndexOf('/dist/');
  if (dist < 0 || !href.endsWith('.js')) return entry;
  const bundled = new URL(`${href.slice(0, dist)}/dist/cli/${href.slice(href.lastIndexOf('/') + 1)}`);
  return existsSync(bundled) ? bundled : entry;
}
