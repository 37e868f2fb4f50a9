// `mrpipe wordcount [FILE...] [--top N]`: word<TAB>count in byte order of the word, or the N most
// frequent (count descending, then word). A dedicated hot loop (bytes hashed in place, no string per
// word) in bounded memory: the shuffle operators' ParallelWordCounter on --workers threads, spilling sorted
// runs to --tmp-dir beyond --memory.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { checkInputs, checkStdout, checkTmpDir, inputSpecs, readInputsReusing, withOutput } from '../io.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { usageError } from '../errors.ts';
import { counterMemory, countWords, countWordsCursor, TopWords } from '../wordcount/count.ts';
import { collectYoungGarbage } from '../../../operators/shuffle/gc.ts';
import { copyBytes, writeDecimal } from '../../../operators/shuffle/runs/codec.ts';
import { progress } from '../progress.ts';
import { totalInputBytes } from '../inputs-size.ts';

interface WordcountFlags {
  top?: string;
  memory: string;
  tmpDir?: string;
  output?: string;
  workers?: string;
}

/** Below this a table holds too few words to be worth spilling: 1 KB took 150x longer than 256 MB on 8 MB. */
const MIN_MEMORY = 16 * 1024;
/** The output buffer: lines are built in it from the cursor's bytes and written when it is full. */
const OUT_BYTES = 1 << 20;

export function registerWordcount(program: Command): void {
  program
    .command('wordcount')
    .description('count words (runs of non-whitespace bytes): word<TAB>count in byte order of the word')
    .argument('[FILE...]', "input files; stdin when none or '-'; .gz files are decompressed")
    .option('--top <N>', 'print only the N most frequent words, count descending then word')
    .option('-m, --memory <SIZE>', 'memory budget for the counts; beyond it they spill to disk', '256MB')
    .option('-T, --tmp-dir <DIR>', 'where spills go (default: the system temp dir)')
    .option('-w, --workers <N>', 'threads that count (default: cores); each counts under its share of --memory')
    .option('-o, --output <FILE>', 'write to FILE instead of stdout')
    .addHelpText('after', `
Words are maximal runs of bytes other than space, \\t, \\n, \\v, \\f, \\r (what tr cuts on), compared as bytes.

Examples:
  cat books/*.txt | mrpipe wordcount > counts.tsv
  mrpipe wordcount --top 20 access.log
  mrpipe wordcount --memory 64MB -T /scratch huge.txt.gz
  mrpipe wordcount --workers 1 big.txt      # one thread only`)
    .action(async (files: string[], flags: WordcountFlags) => {
      const memory = parseSize(flags.memory, '--memory');
      if (memory < MIN_MEMORY) throw usageError(`--memory: ${flags.memory} is too small to count words in; the minimum is 16KiB`);
      const workers = flags.workers === undefined ? availableParallelism() : parseCount(flags.workers, '--workers');
      const top = flags.top === undefined ? undefined : parseCount(flags.top, '--top', 0);
      const specs = inputSpecs(files);
      await checkInputs(specs);
      checkStdout(flags.output);
      await checkTmpDir(flags.tmpDir, '--tmp-dir', true);
      const bar = progress('wordcount', 'count', 'bytes', await totalInputBytes(specs));
      try {
        await withOutput(flags.output, 'latin1', async (out) => {
          const chunks = readInputsReusing(specs, undefined, { linesApart: true });
          const opts = {
            memory: counterMemory(specs, memory), tmpDir: flags.tmpDir, workers,
            onProgress: (b: number) => bar.update(b), onMerge: () => bar.phase('merge'),
          };
          if (top === undefined) {
            // Lines built from the cursor's bytes: no string per word.
            await countWordsCursor(chunks, opts, async (cursor) => {
              let buf = Buffer.allocUnsafe(OUT_BYTES);
              let pos = 0;
              let n = 0;
              while (cursor.advance()) {
                n++;
                const len = cursor.end - cursor.start;
                if (pos + len + 24 > buf.length) {
                  if (pos > 0 && !out.writeBytes(buf.subarray(0, pos))) await out.drain();
                  // The written buffer is garbage outside V8's heap (stdout writes synchronously): a
                  // scavenge frees it now, where V8 alone would let ~64 MB of them pile up first.
                  collectYoungGarbage();
                  buf = Buffer.allocUnsafe(OUT_BYTES);
                  pos = 0;
                }
                const src = cursor.buf;
                if (len + 24 > buf.length) {
                  // A word longer than the buffer goes out in buffer-sized pieces, never copied whole: a huge
                  // word stays held twice at most (its bytes stay valid until the next advance()).
                  let s = cursor.start;
                  while (cursor.end - s + 24 > buf.length) {
                    const e = Math.min(cursor.end, s + buf.length);
                    src.copy(buf, 0, s, e);
                    if (!out.writeBytes(buf.subarray(0, e - s))) await out.drain();
                    collectYoungGarbage();
                    buf = Buffer.allocUnsafe(OUT_BYTES);
                    s = e;
                  }
                  pos = src.copy(buf, 0, s, cursor.end);
                } else pos += copyBytes(src, cursor.start, cursor.end, buf, pos); // no native call per short word
                buf[pos++] = 9;
                pos += writeDecimal(buf, pos, cursor.count);
                buf[pos++] = 10;
              }
              if (pos > 0) out.writeBytes(buf.subarray(0, pos));
              return n;
            });
          } else {
            const best = new TopWords(top);
            await countWords(chunks, opts, (word, count) => best.add(word, count));
            for (const [word, count] of best.sorted()) out.write(`${word}\t${count}\n`);
          }
        });
      } finally {
        bar.stop();
      }
    });
}
