// Spilled word counts: sorted run files of `word<TAB>count` lines (latin1, so bytes round-trip), and a
// k-way heap merge that sums the counts of equal words. Words never contain a tab or a newline.
import fs from 'node:fs';
import path from 'node:path';
import type { WordTable } from './table.ts';
import { CliError, EXIT_FAILED } from '../errors.ts';

/** Creates a spill file private to this user (0600, never an existing path: no planted symlinks). */
function createRun(file: string): number {
  return fs.openSync(file, 'wx', 0o600);
}

/** Turns a full disk (or a file-size limit) while spilling into one line that says what to do. */
function spillError(err: unknown, file: string): unknown {
  const code = (err as { code?: string })?.code;
  if (code !== 'ENOSPC' && code !== 'EFBIG' && code !== 'EDQUOT') return err;
  return new CliError(`disk full (${code}) writing spill run ${path.basename(file)} in temp dir ${path.dirname(file)}: ` +
    'free space there or use --tmp-dir (-T) on a larger disk; the spill files were removed', EXIT_FAILED);
}

/** Writes the table's entries in byte order to a new run file; returns its path. */
export function writeRun(table: WordTable, dir: string, n: number): string {
  const file = path.join(dir, `run-${String(n).padStart(5, '0')}.tsv`);
  const fd = createRun(file);
  try {
    const order = table.sortedOrder();
    // Copy words straight from the arena: no per-line strings (they would only grow the JS heap).
    const out = Buffer.allocUnsafe(1 << 20);
    let len = 0;
    const { arena, offsets, lengths, counts } = table;
    for (let k = 0; k < order.length; k++) {
      const e = order[k];
      const wl = lengths[e];
      if (len + wl + 24 > out.length) {
        fs.writeSync(fd, out, 0, len);
        len = 0;
      }
      if (wl + 24 > out.length) {
        fs.writeSync(fd, arena, offsets[e], wl);
      } else if (wl <= 16) {
        // Short words: a byte loop beats the native copy's call overhead.
        for (let a = offsets[e], end = a + wl; a < end; a++) out[len++] = arena[a];
      } else {
        arena.copy(out, len, offsets[e], offsets[e] + wl);
        len += wl;
      }
      out[len++] = 9;
      const c = counts[e];
      if (c < 10) out[len++] = 48 + c;
      else len += out.write(String(c), len, 'latin1');
      out[len++] = 10;
    }
    if (len > 0) fs.writeSync(fd, out, 0, len);
  } catch (err) {
    throw spillError(err, file);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Reads a run file line by line with synchronous block reads (local temp files: no need for streams). */
class RunReader {
  readonly #fd: number;
  #buf = Buffer.allocUnsafe(1 << 16);
  #text = '';
  #pos = 0;
  #eof = false;
  word = '';
  count = 0;

  constructor(file: string) {
    this.#fd = fs.openSync(file, 'r');
  }

  next(): boolean {
    while (true) {
      const nl = this.#text.indexOf('\n', this.#pos);
      if (nl !== -1) {
        const tab = this.#text.lastIndexOf('\t', nl);
        this.word = this.#text.slice(this.#pos, tab);
        this.count = Number(this.#text.slice(tab + 1, nl));
        this.#pos = nl + 1;
        return true;
      }
      if (this.#eof) { fs.closeSync(this.#fd); return false; }
      const n = fs.readSync(this.#fd, this.#buf, 0, this.#buf.length, null);
      if (n === 0) this.#eof = true;
      this.#text = this.#text.slice(this.#pos) + this.#buf.toString('latin1', 0, n);
      this.#pos = 0;
    }
  }
}

/** Sink for merged (word, count) pairs; may return a promise to apply backpressure. */
export type PairSink = (word: string, count: number) => void | Promise<void>;

const FAN_IN = 64;

/** Merges sorted runs, summing equal words, into `sink` in byte order; merges in passes above FAN_IN runs. */
export async function mergeRuns(files: string[], dir: string, sink: PairSink): Promise<void> {
  let runs = files;
  let pass = 0;
  while (runs.length > FAN_IN) {
    const next: string[] = [];
    for (let i = 0; i < runs.length; i += FAN_IN) {
      const file = path.join(dir, `merge-${pass}-${i}.tsv`);
      const fd = createRun(file);
      let parts: string[] = [];
      let len = 0;
      try {
        await mergeGroup(runs.slice(i, i + FAN_IN), (w, c) => {
          const line = `${w}\t${c}\n`;
          parts.push(line);
          len += line.length;
          if (len >= 1 << 20) { fs.writeSync(fd, Buffer.from(parts.join(''), 'latin1')); parts = []; len = 0; }
        });
        if (len > 0) fs.writeSync(fd, Buffer.from(parts.join(''), 'latin1'));
      } catch (err) {
        throw spillError(err, file);
      } finally {
        fs.closeSync(fd);
      }
      next.push(file);
    }
    for (const f of runs) fs.rmSync(f, { force: true });
    runs = next;
    pass++;
  }
  await mergeGroup(runs, sink);
}

async function mergeGroup(files: string[], sink: PairSink): Promise<void> {
  const heap: RunReader[] = [];
  for (const f of files) {
    const r = new RunReader(f);
    if (r.next()) heap.push(r);
  }
  const less = (a: RunReader, b: RunReader): boolean => a.word < b.word;
  const down = (i: number): void => {
    const n = heap.length;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && less(heap[r], heap[l]) ? r : l;
      if (!less(heap[m], heap[i])) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  let word: string | null = null;
  let count = 0;
  while (heap.length > 0) {
    const top = heap[0];
    if (top.word === word) count += top.count;
    else {
      if (word !== null) { const p = sink(word, count); if (p) await p; }
      word = top.word;
      count = top.count;
    }
    if (top.next()) down(0);
    else {
      const last = heap.pop() as RunReader;
      if (heap.length > 0) { heap[0] = last; down(0); }
    }
  }
  if (word !== null) { const p = sink(word, count); if (p) await p; }
}
