// The real corpus: the text files of Debian's gcc-12-source (GCC 12's source tree: C, C++, Ada, Fortran,
// Go, D, Texinfo, ChangeLogs), concatenated in byte order of their paths, cut at a line boundary. Real lines
// share long prefixes and real vocabularies are large with long identifiers, which generated text has not.
// A file is taken when its name has a text extension and its bytes are valid UTF-8 with no control byte
// other than TAB, LF, VT and FF — so DuckDB's CSV reader (a peer, which drops the CR of CRLF lines) reads every
// line as GNU sort does. When the
// tree holds less than the size asked for, it is concatenated again from the start (documented in the case).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const TARBALL_DIR = '/usr/src/gcc-12';
const EXTENSIONS = new Set(['.c', '.cc', '.h', '.texi', '.md', '.txt', '.ada', '.adb', '.ads', '.f90', '.go', '.d', '.def', '.java']);

export const REAL_CORPUS_HINT = 'the real corpus needs Debian\'s gcc-12-source: apt-get update && apt-get install -y gcc-12-source';

function findTarball(): string {
  const names = existsSync(TARBALL_DIR) ? readdirSync(TARBALL_DIR) : [];
  const tar = names.find((n) => /^gcc-12.*\.tar\.xz$/.test(n));
  if (!tar) throw new Error(`${TARBALL_DIR}/gcc-12*.tar.xz not found: ${REAL_CORPUS_HINT}`);
  return join(TARBALL_DIR, tar);
}

function extractOnce(dataDir: string, log: (m: string) => void): string {
  const tree = join(dataDir, 'gcc-12-src');
  const done = join(tree, '.extracted');
  if (existsSync(done)) return tree;
  const tarball = findTarball();
  log(`extracting ${tarball} into ${tree}`);
  mkdirSync(tree, { recursive: true });
  const r = spawnSync('tar', ['-xJf', tarball, '-C', tree], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar -xJf ${tarball} failed (status ${r.status})`);
  closeSync(openSync(done, 'w'));
  return tree;
}

function listTextFiles(dir: string, out: string[] = []): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listTextFiles(p, out);
    else if (e.isFile() && EXTENSIONS.has(e.name.slice(e.name.lastIndexOf('.')))) out.push(p);
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True for bytes a line-oriented text tool and a CSV reader both take as text. */
export function isPlainText(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c) return false;
    if (b === 0x7f) return false;
  }
  try { decoder.decode(buf); return true; } catch { return false; }
}

/** Builds (once) `real-gcc12-<size>.txt` in dataDir: the first `size` bytes of the corpus, cut after a LF. */
export async function ensureRealCorpus(size: number, dataDir: string, log: (m: string) => void): Promise<{ path: string; bytes: number }> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, `real-gcc12-${size}.txt`);
  if (existsSync(path)) return { path, bytes: statSync(path).size };
  const tree = extractOnce(dataDir, log);
  const files = listTextFiles(tree);
  log(`building ${path} from ${files.length} candidate files`);
  const tmp = `${path}.partial-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  try {
    for (let pass = 0; written < size; pass++) {
      const before = written;
      for (const f of files) {
        let buf = readFileSync(f);
        if (buf.length === 0 || !isPlainText(buf)) continue;
        if (buf[buf.length - 1] !== 0x0a) buf = Buffer.concat([buf, Buffer.from('\n')]);
        if (written + buf.length > size) {
          const cut = buf.lastIndexOf(0x0a, size - written - 1);
          if (cut >= 0) written += writeSync(fd, buf, 0, cut + 1);
          written = Math.max(written, size); // stop: the next line would cross the size
          break;
        }
        written += writeSync(fd, buf);
      }
      if (written === before) throw new Error(`no text files under ${tree}`);
      if (pass > 64) break;
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return { path, bytes: statSync(path).size };
}

/** Builds (once) `real-gcc12-counts-<size>.txt`: `word<TAB>count` for every word of the real corpus of `size`
 * bytes (words split on ASCII blanks), in mawk's hash order — the table a keyed sort `-k2,2nr -k1,1` orders. */
export async function ensureWordCountTable(size: number, dataDir: string, log: (m: string) => void): Promise<{ path: string; bytes: number }> {
  const corpus = await ensureRealCorpus(size, dataDir, log);
  const path = join(dataDir, `real-gcc12-counts-${size}.txt`);
  if (existsSync(path)) return { path, bytes: statSync(path).size };
  log(`building ${path}`);
  const tmp = `${path}.partial-${process.pid}`;
  const r = spawnSync('sh', ['-c', `LC_ALL=C mawk '{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print w"\\t"c[w]}' "$1" > "$2"`, 'sh', corpus.path, tmp], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building ${path} failed (status ${r.status})`);
  renameSync(tmp, path);
  return { path, bytes: statSync(path).size };
}
