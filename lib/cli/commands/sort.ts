// `mrpipe sort`: an external sort whose output is byte-identical to `LC_ALL=C sort` with the same flags,
// in bounded memory (-S): lines are buffered up to the budget, sorted, spilled as runs under -T, and
// merged. Plain byte order (no -k/-n/-t) runs on the LineSorter over raw bytes (../sort/byte-sort.ts);
// keyed and numeric sorts on the Sorter with GNU key semantics, lines as latin1 strings so any bytes
// round-trip and JS string order is byte order.
import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import type { Command } from 'commander';
import { Sorter, TooFewFilesError } from '../../../operators/shuffle/index.ts';
import { parseKeyDef } from '../../../operators/shuffle/gnukeys.ts';
import { checkInputs, checkOutput, checkStdout, checkTmpDir, describeReadError, inputSpecs, openInput, tempDirError, withOutput } from '../io.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { failure, usageError } from '../errors.ts';
import { ByteLines } from '../sort/byte-lines.ts';
import { sortByteLines } from '../sort/byte-sort.ts';
import { progress } from '../progress.ts';
import { totalInputBytes } from '../inputs-size.ts';

/** The smallest sort buffer: smaller -S / --memory values are raised to it (docs/CLI.md). */
export const MIN_SORT_BUFFER = 64 * 1024;

/** Below this -S the sort worker's isolate (~20 MB, charged to the budget) would take over half of it: one thread. */
const MIN_THREADED_BUFFER = 40 * 1024 * 1024;

interface SortFlags {
  reverse?: boolean;
  numericSort?: boolean;
  unique?: boolean;
  stable?: boolean;
  fieldSeparator?: string;
  key?: string[];
  bufferSize?: string;
  memory?: string;
  temporaryDirectory?: string;
  tmpDir?: string;
  output?: string;
  parallel?: string;
}

/** GNU sort's -t: one character; '\0' names the NUL byte. */
function separatorOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === '\\0') return '\0';
  if (text.length !== 1) {
    throw usageError(`-t '${text}': the separator must be one character (GNU sort says "multi-character tab"); use -t $'\\t' for a tab`);
  }
  // latin1 strings hold bytes: a non-ASCII separator must be given as its single byte.
  if (text.charCodeAt(0) > 0xff) throw usageError(`-t '${text}': the separator must be a single byte`);
  return text;
}

export function registerSort(program: Command): void {
  program
    .command('sort')
    .description('sort lines, byte-identical to LC_ALL=C sort with the same flags, in bounded memory')
    .argument('[FILE...]', "input files; stdin when none or '-'; .gz files are decompressed")
    .option('-r, --reverse', 'reverse the result of comparisons')
    .option('-n, --numeric-sort', 'compare by leading numeric value (GNU -n: [-]digits[.digits])')
    .option('-u, --unique', 'output only the first of each run of equal lines (equal keys with -k)')
    .option('-s, --stable', 'no last-resort whole-line comparison: equal keys keep input order')
    .option('-t, --field-separator <SEP>', 'fields are separated by SEP (one byte) instead of blank runs')
    .option('-k, --key <KEYDEF>', 'sort by a key: F[.C][bnr][,F[.C][bnr]] (repeatable, as in GNU sort)',
      (v: string, prev: string[] = []) => [...prev, v])
    .option('-S, --buffer-size <SIZE>', 'memory for sorting before spilling runs (GNU units: 64M, 1G, 50%; bare = KiB)')
    .option('--memory <SIZE>', 'same as -S, in mrpipe units (bare number = bytes); no -m: GNU sort -m means merge')
    .option('-T, --temporary-directory <DIR>', 'where the sorted runs go (default: the system temp dir)')
    .option('--tmp-dir <DIR>', "same as -T (every mrpipe command's name for it)")
    .option('--parallel <N>', 'threads (as GNU): 2 or more sorts runs and merges on a second thread too (plain byte order, -S of 40MiB or more); default: cores')
    .option('-o, --output <FILE>', 'write to FILE (may be one of the inputs: written aside, then renamed)')
    .addHelpText('after', `
Lines are compared as bytes (LC_ALL=C): the output matches GNU sort byte for byte, including -k with
per-key b/n/r flags, -t, -s and -u. Default memory: 256MB.

Examples:
  mrpipe sort -S 64M big.txt > sorted.txt
  mrpipe sort -t, -k2,2n -k1,1 data.csv -o data.csv
  cat *.log | mrpipe sort -u -T /scratch
  mrpipe sort -rn counts.txt | head`)
    .action(async (files: string[], flags: SortFlags) => {
      let memory = DEFAULT_MEMORY;
      if (flags.memory !== undefined) memory = parseSize(flags.memory, '--memory');
      if (flags.bufferSize !== undefined) memory = parseSize(flags.bufferSize, '-S', 'k');
      // As GNU sort does, a tiny buffer is silently raised to a workable minimum (-S 1 would otherwise write
      // a run every few dozen lines and merge hundreds of them).
      memory = Math.max(memory, MIN_SORT_BUFFER);
      const parallel = flags.parallel === undefined ? availableParallelism() : parseCount(flags.parallel, '--parallel');
      const separator = separatorOf(flags.fieldSeparator);
      const keys = (flags.key ?? []).map((k) => {
        try { return parseKeyDef(k); } catch (err) { throw usageError(`-k ${k}: ${(err as Error).message.replace(/^mrpipe: /, '')}`); }
      });
      const specs = inputSpecs(files);
      await checkInputs(specs);
      checkStdout(flags.output);
      await checkOutput(flags.output); // the output is opened only once sorted: its problems are found now
      const tmpDir = flags.temporaryDirectory ?? flags.tmpDir;
      const tmpFlag = flags.tmpDir !== undefined && flags.temporaryDirectory === undefined ? '--tmp-dir' : '-T';
      // The temp dir is checked only when named: like GNU sort, a sort that fits in memory needs none.
      await checkTmpDir(tmpDir, tmpFlag);
      const bar = progress('sort', 'read', 'bytes', await totalInputBytes(specs));
      if (keys.length === 0 && separator === undefined && !flags.numericSort) {
        // Plain byte order: raw bytes in, raw bytes out (-s is a no-op here: equal lines are equal bytes).
        try {
          await sortByteLines(specs, {
            reverse: !!flags.reverse, unique: !!flags.unique, memory, tmpDir, threads: parallel > 1 && memory >= MIN_THREADED_BUFFER,
            output: flags.output, onRead: (n) => bar.update(n), onMerge: () => bar.phase('merge'),
          });
        } finally {
          bar.stop();
        }
        return;
      }
      // The sort buffer is many small strings that die at each spill: ask V8 to favour a small heap over
      // a lazily collected one (peak RSS at -S 16M: ~105 MB instead of ~165 MB, ~10% more CPU).
      try { v8.setFlagsFromString('--optimize-for-size'); } catch { /* keep the default */ }
      const sorter = new Sorter<string>({
        reverse: flags.reverse, numeric: flags.numericSort, unique: flags.unique, stable: flags.stable,
        keys, separator, encoding: 'latin1', memory, tmpDir,
      });
      let read = 0;
      let spilling = false;
      const push = (line: string): void => { spilling = true; sorter.push(line); spilling = false; };
      try {
        for (const spec of specs) {
          const lines = new ByteLines();
          try {
            for await (const chunk of openInput(spec)) {
              lines.write(chunk as Buffer, push);
              read += (chunk as Buffer).length;
              bar.update(read);
            }
          } catch (err) {
            // Spilling happens inside push(): only errors of the input itself are reading errors.
            if (spilling) throw tempDirError(err, tmpDir, tmpFlag, 'a sorted run');
            throw failure(`reading ${describeReadError(err, spec.name)}`);
          }
          lines.end(push);
        }
        bar.phase('merge');
        let sorted: Iterable<string>;
        try { sorted = sorter.finish(); } catch (err) {
          if (err instanceof TooFewFilesError) throw failure(err.message.replace(/^mrpipe: /, ''));
          throw err;
        }
        await withOutput(flags.output, 'latin1', async (out) => {
          for (const line of sorted) {
            if (!out.write(line + '\n')) await out.drain();
          }
        });
      } finally {
        bar.stop();
        sorter.dispose();
      }
    });
}
