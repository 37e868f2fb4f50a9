// `mrpipe sort`: an external sort whose output is byte-identical to `LC_ALL=C sort` with the same flags,
// in bounded memory (-S): lines are buffered up to the budget, sorted, spilled as runs under -T, and
// merged. Plain byte order (no keys, ordering flags, -t or -z) runs on the LineSorter over raw bytes
// (../sort/byte-sort.ts); keys and ordering flags on the same sorter over records of normalized key ‖ line
// (../sort/keyed-sort.ts), but --debug on the Sorter with GNU's comparison, lines as latin1 strings
// so any bytes round-trip and JS string order is byte order. -c/-C and -m are ../sort/modes.ts.
import { availableParallelism } from 'node:os';
import v8 from 'node:v8';
import type { Command } from 'commander';
import { TooFewFilesError } from '../../../operators/shuffle/runs/fdlimit.ts';
import { Sorter } from '../../../operators/shuffle/sort/sorter.ts';
import { gnuLineOrder, parseKeyDef, resolveOrder, type LineOrder } from '../../../operators/shuffle/keys/gnukeys.ts';
import { checkInputs, checkOutput, checkStdout, checkTmpDir, describeReadError, inputSpecs, tempDirError, withOutput } from '../io.ts';
import { openInputStream } from '../../../plumbing/open-input.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { DEFAULT_MEMORY } from '../../../plumbing/sizes.ts';
import { CliError, EXIT_USAGE, failure, usageError } from '../errors.ts';
import { FilterProgramError } from '../../../plumbing/run-file.ts';
import { CorruptRunError } from '../../../operators/shuffle/runs/errors.ts';
import { checkSorted, files0From, mergeSorted } from '../sort/modes.ts';
import { debugAnnotator, debugWarnings } from '../sort/debug.ts';
import { argmatch, CHECK_WORDS, once, orderingOf, randomSeed, separatorOf, type SortFlags } from '../sort/flags.ts';
import { ByteLines } from '../sort/byte-lines.ts';
import { sortByteLines } from '../sort/byte-sort.ts';
import { sortKeyedLines } from '../sort/keyed-sort.ts';
import { progress } from '../progress.ts';
import { totalInputBytes } from '../inputs-size.ts';

/** The smallest sort buffer: smaller -S / --memory values are raised to it (docs/CLI.md). */
export const MIN_SORT_BUFFER = 64 * 1024;

/** Below this -S the sort worker's isolate (~20 MB, charged to the budget) would take over half of it: one thread. */
const MIN_THREADED_BUFFER = 40 * 1024 * 1024;

export function registerSort(program: Command): void {
  program
    .command('sort')
    .description('sort lines, byte-identical to LC_ALL=C sort with the same flags, in bounded memory')
    .helpOption('--help', 'display help for command')
    .argument('[FILE...]', "input files; stdin when none or '-'; .gz files are decompressed")
    .option('-b, --ignore-leading-blanks', 'ignore leading blanks')
    .option('-d, --dictionary-order', 'consider only blanks and alphanumeric characters')
    .option('-f, --ignore-case', 'fold lower case to upper case characters')
    .option('-g, --general-numeric-sort', 'compare according to general numerical value (strtold, x86-64 long double: 1e3, 0x1p4, inf, nan)')
    .option('-i, --ignore-nonprinting', 'consider only printable characters')
    .option('-M, --month-sort', 'compare (unknown) < JAN < ... < DEC')
    .option('-h, --human-numeric-sort', 'compare human readable numbers (2K, 1G)')
    .option('-n, --numeric-sort', 'compare by leading numeric value (GNU -n; byte 0x80 is skipped as a thousands separator)')
    .option('-R, --random-sort', 'shuffle, but group identical keys (a seeded hash of the key)')
    .option('--random-source <FILE>', 'take the -R seed from the first 16 bytes of FILE',
      once('multiple random sources specified'))
    .option('-r, --reverse', 'reverse the result of comparisons')
    .option('--sort <WORD>', 'sort by WORD: general-numeric -g, human-numeric -h, month -M, numeric -n, random -R, version -V',
      (v: string, prev: string[] = []) => [...prev, v])
    .option('-V, --version-sort', 'natural sort of (version) numbers within text (GNU filevercmp)')
    .option('--batch-size <NMERGE>', 'merge at most NMERGE inputs or runs at once (at least 2; default 16)')
    .option('-c', 'check for sorted input; do not sort; report the first disorder (exit 1)')
    .option('-C', 'like -c, but do not report the first disorder')
    .option('--check [WORD]', '-c (diagnose-first, the default) or -C (quiet, silent)')
    .option('--compress-program <PROG>', 'compress the sorted runs with PROG (PROG -d decompresses), e.g. gzip, zstd',
      once('multiple compress programs specified'))
    .option('--debug', 'underline each key in the output (tabs as >) and warn about questionable key options on stderr')
    .option('--files0-from <F>', "read input file names from F, each ended by a NUL; '-' = stdin")
    .option('-k, --key <KEYDEF>', 'sort by a key: F[.C][OPTS][,F[.C][OPTS]], OPTS from bdfghiMnRrV (repeatable, as in GNU sort)',
      (v: string, prev: string[] = []) => [...prev, v])
    .option('-m, --merge', 'merge already sorted files; do not sort')
    .option('-o, --output <FILE>', 'write to FILE (may be one of the inputs: written aside, then renamed)',
      once('multiple output files specified'))
    .option('-s, --stable', 'no last-resort whole-line comparison: equal keys keep input order')
    .option('-S, --buffer-size <SIZE>', 'memory for sorting before spilling runs (GNU units: 64M, 1G, 50%; bare = KiB)')
    .option('--memory <SIZE>', 'same as -S, in mrpipe units (bare number = bytes)')
    .option('-t, --field-separator <SEP>', 'fields are separated by SEP (one byte) instead of blank runs',
      once('incompatible tabs'))
    .option('-T, --temporary-directory <DIR>', 'where the sorted runs go (default: the system temp dir)')
    .option('--tmp-dir <DIR>', "same as -T (every mrpipe command's name for it)")
    .option('--parallel <N>', 'threads (as GNU): 2 or more sorts runs and merges on a second thread too (not with --debug; -S of 40MiB or more); default: cores')
    .option('-u, --unique', 'output only the first of each run of equal lines (equal keys with -k)')
    .option('-z, --zero-terminated', 'line delimiter is NUL, not newline')
    .addHelpText('after', `
Lines are compared as bytes (LC_ALL=C, whatever the locale): the output matches GNU sort byte for byte
with the same flags. Long options may be abbreviated (--rev); obsolete +POS1 -POS2 keys are accepted.
Not GNU: .gz inputs are decompressed (not with -m); -R's order is its own (equal keys stay together);
a failing --compress-program ends the sort with exit 2 naming it. Default memory: 256MB.
--version prints mrpipe's version.

Examples:
  mrpipe sort -S 64M big.txt > sorted.txt
  mrpipe sort -t, -k2,2n -k1,1 data.csv -o data.csv
  du -h | mrpipe sort -h
  mrpipe sort -m part-*.txt -o all.txt
  mrpipe sort -c data.txt && echo sorted
  mrpipe sort -S 1G --compress-program=zstd -T /scratch huge.txt > sorted.txt
  mrpipe sort --debug -t, -k2,2n data.csv | head`)
    .action(sortAction);
}

async function sortAction(files: string[], flags: SortFlags): Promise<void> {
  try {
    await sortCommand(files, flags);
  } catch (err) {
    // A compress program that cannot run or fails: exit 2, as GNU sort's every failure.
    if (err instanceof FilterProgramError) throw new CliError(err.message.replace(/^mrpipe: /, ''), EXIT_USAGE);
    // A run that reads back cut or garbled (a compress program whose -d output is not what went in).
    if (err instanceof CorruptRunError) throw new CliError(err.message.replace(/^mrpipe: /, ''), EXIT_USAGE);
    throw err;
  }
}

async function sortCommand(files: string[], flags: SortFlags): Promise<void> {
  let check: 'quiet' | 'diagnose' | undefined;
  if (flags.c || flags.C || flags.check !== undefined) {
    const modes = new Set<string>();
    if (flags.c) modes.add('diagnose');
    if (flags.C) modes.add('quiet');
    if (flags.check !== undefined) modes.add(argmatch(typeof flags.check === 'string' ? flags.check : 'diagnose-first', CHECK_WORDS, '--check'));
    if (modes.size > 1) throw usageError("options '-cC' are incompatible");
    check = [...modes][0] as 'quiet' | 'diagnose';
    if (flags.output !== undefined && !flags.debug) throw usageError(`options '-${check === 'quiet' ? 'C' : 'c'}o' are incompatible`);
  }
  let memory = DEFAULT_MEMORY;
  if (flags.memory !== undefined) memory = parseSize(flags.memory, '--memory');
  if (flags.bufferSize !== undefined) memory = parseSize(flags.bufferSize, '-S', 'k');
  // As GNU sort does, a tiny buffer is silently raised to a workable minimum (-S 1 would otherwise write
  // a run every few dozen lines and merge hundreds of them).
  memory = Math.max(memory, MIN_SORT_BUFFER);
  let fanIn: number | undefined;
  if (flags.batchSize !== undefined) {
    fanIn = parseCount(flags.batchSize, '--batch-size');
    if (fanIn < 2) throw usageError(`--batch-size ${flags.batchSize}: the minimum is 2`);
  }
  const parallel = flags.parallel === undefined ? availableParallelism() : parseCount(flags.parallel, '--parallel');
  const separator = separatorOf(flags.fieldSeparator);
  // argv.ts marks the keys it made of obsolete +POS1 -POS2 with a leading NUL (no argument can hold one).
  const obsolete = (flags.key ?? []).map((k) => k.startsWith('\0'));
  const keys = (flags.key ?? []).map((k) => k.replace(/^\0/, '')).map((k) => {
    try { return parseKeyDef(k); } catch (err) { throw usageError(`-k ${k}: ${(err as Error).message.replace(/^mrpipe: /, '')}`); }
  });
  const ordering = orderingOf(flags);
  const terminator = flags.zeroTerminated ? 0 : 10;
  const needsRandom = ordering.includes('R') || keys.some((k) => k.random);
  const orderOptions = {
    keys, separator, ordering, reverse: flags.reverse, stable: flags.stable, unique: flags.unique,
    randomSeed: needsRandom ? randomSeed(flags.randomSource) : undefined,
  };
  let order: LineOrder;
  try {
    order = gnuLineOrder(orderOptions);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw usageError((err as Error).message.replace(/^mrpipe: /, ''));
  }
  // --debug: GNU's warnings now; each output line is then printed annotated with its keys.
  let format: ((line: string) => string) | undefined;
  if (flags.debug) {
    if (check !== undefined || flags.output !== undefined) {
      throw usageError(`options '-${check === 'quiet' ? 'C' : check !== undefined ? 'c' : 'o'} --debug' are incompatible`);
    }
    for (const w of debugWarnings({ ...orderOptions, obsolete })) process.stderr.write(`mrpipe sort: ${w}\n`);
    format = debugAnnotator(orderOptions);
  }
  if (flags.files0From !== undefined) {
    if (files.length > 0) throw usageError(`extra operand '${files[0]}': file operands cannot be combined with --files0-from`);
    files = await files0From(flags.files0From);
  }
  if (check !== undefined && files.length > 1) throw usageError(`extra operand '${files[1]}' not allowed with -c`);
  const specs = inputSpecs(files);
  await checkInputs(specs);
  if (check !== undefined) {
    await checkSorted(specs[0], order, { unique: !!flags.unique, quiet: check === 'quiet', terminator });
    return;
  }
  checkStdout(flags.output);
  await checkOutput(flags.output); // the output is opened only once sorted: its problems are found now
  const tmpDir = flags.temporaryDirectory ?? flags.tmpDir;
  const compressProgram = flags.compressProgram;
  const tmpFlag = flags.tmpDir !== undefined && flags.temporaryDirectory === undefined ? '--tmp-dir' : '-T';
  // The temp dir is checked only when named: like GNU sort, a sort that fits in memory needs none.
  await checkTmpDir(tmpDir, tmpFlag);
  if (flags.merge) {
    await mergeSorted(specs, order, { unique: !!flags.unique, terminator, output: flags.output, fanIn, tmpDir, format, compress: compressProgram });
    return;
  }
  const bar = progress('sort', 'read', 'bytes', await totalInputBytes(specs));
  if (keys.length === 0 && separator === undefined && ordering === '' && terminator === 10 && !format) {
    // Plain byte order: raw bytes in, raw bytes out (-s is a no-op here: equal lines are equal bytes).
    try {
      await sortByteLines(specs, {
        reverse: !!flags.reverse, unique: !!flags.unique, memory, tmpDir, threads: parallel > 1 && memory >= MIN_THREADED_BUFFER,
        output: flags.output, onRead: (n) => bar.update(n), onMerge: () => bar.phase('merge'), fanIn, compressProgram,
      });
    } finally {
      bar.stop();
    }
    return;
  }
  const resolved = resolveOrder(orderOptions);
  if (!format) {
    // Keys normalized to bytes: the byte sorter of plain sort, records of key ‖ line.
    try {
      await sortKeyedLines(specs, {
        order: resolved, terminator, unique: !!flags.unique, memory, tmpDir, tmpFlag,
        threads: parallel > 1 && memory >= MIN_THREADED_BUFFER, output: flags.output,
        onRead: (n) => bar.update(n), onMerge: () => bar.phase('merge'), fanIn, compressProgram,
      });
    } finally {
      bar.stop();
    }
    return;
  }
  // --debug: GNU's comparison on lines as strings.
  // The sort buffer is many small strings that die at each spill: ask V8 to favour a small heap over
  // a lazily collected one (peak RSS at -S 16M: ~105 MB instead of ~165 MB, ~10% more CPU).
  try { v8.setFlagsFromString('--optimize-for-size'); } catch { /* keep the default */ }
  // The order is GNU's full comparison (with -u it is the key-only one, so -u drops equal keys).
  const sorter = new Sorter<string>({ compare: order.compare, unique: flags.unique, encoding: 'latin1', memory, tmpDir, fanIn, compressProgram });
  let read = 0;
  let spilling = false;
  const push = (line: string): void => { spilling = true; sorter.push(line); spilling = false; };
  const end = String.fromCharCode(terminator);
  try {
    for (const spec of specs) {
      const lines = new ByteLines(terminator);
      try {
        for await (const chunk of openInputStream(spec.path)) {
          lines.write(chunk as Buffer, push);
          read += (chunk as Buffer).length;
          bar.update(read);
        }
      } catch (err) {
        // Spilling happens inside push(): only errors of the input itself are reading errors.
        if (spilling && err instanceof FilterProgramError) throw err;
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
        if (!out.write(format ? format(line) : line + end)) await out.drain();
      }
    });
  } finally {
    bar.stop();
    sorter.dispose();
  }
}
