// `mrpipe generate KIND --size SIZE [--seed N] [-o FILE]`: deterministic test data (lib/generate) —
// text (Zipf words), logs (Combined Log Format), activity (JSONL events). Same kind, options and seed
// give the same bytes on every machine; the size is exact to the last whole line.
import type { Command } from 'commander';
import { generateToFile, generateToStream, isKind, KINDS, type GenerateOptions } from '../../generate/index.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { checkStdout } from '../io.ts';
import { describeFsError, failure, usageError } from '../errors.ts';
import { progress } from '../progress.ts';

interface GenerateFlags {
  size?: string;
  seed?: string;
  output?: string;
  vocabulary?: string;
  zipf?: string;
  highCardinality?: boolean;
  malformed?: string;
  users?: string;
}

function share(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw usageError(`${flag}: '${text}' must be a share between 0 and 1 (e.g. 0.01)`);
  return n;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write deterministic test data: text, logs or activity')
    .argument('<KIND>', `one of ${KINDS.join(', ')}`)
    .option('-s, --size <SIZE>', 'bytes to write (exact to the last whole line), e.g. 100MB, 1GiB')
    .option('--seed <N>', 'PRNG seed: same kind, options and seed → same bytes (default 1)')
    .option('-o, --output <FILE>', 'write FILE (complete or not at all) instead of stdout')
    .option('--vocabulary <N>', 'text: distinct words (default 200000)')
    .option('--zipf <X>', 'text: Zipf exponent (default 1)')
    .option('--high-cardinality', 'text: tens of millions of distinct words')
    .option('--malformed <SHARE>', 'logs: share of malformed lines, 0..1 (default 0)')
    .option('--users <N>', 'activity: distinct users (default 100000)')
    .addHelpText('after', `
Examples:
  mrpipe generate text --size 1GB -o words.txt
  mrpipe generate logs --size 100MB --malformed 0.01 --seed 7 > access.log
  mrpipe generate activity --size 10MB | mrpipe run activity
  mrpipe generate text --size 10GB | mrpipe wordcount --top 10`)
    .action(async (kind: string, flags: GenerateFlags) => {
      if (!isKind(kind)) throw usageError(`unknown kind '${kind}': use one of ${KINDS.join(', ')}`);
      if (flags.size === undefined) throw usageError('--size is required, e.g. --size 100MB');
      const opts: GenerateOptions = { size: parseSize(flags.size, '--size') };
      if (flags.seed !== undefined) {
        if (!/^-?\d+$/.test(flags.seed) || !Number.isSafeInteger(Number(flags.seed))) throw usageError(`--seed: '${flags.seed}' is not a whole number`);
        opts.seed = Number(flags.seed);
      }
      if (flags.vocabulary !== undefined) opts.vocabulary = parseCount(flags.vocabulary, '--vocabulary');
      if (flags.zipf !== undefined) {
        opts.zipf = Number(flags.zipf);
        if (!(opts.zipf > 0)) throw usageError(`--zipf: '${flags.zipf}' must be a positive number`);
      }
      if (flags.highCardinality) opts.highCardinality = true;
      if (flags.malformed !== undefined) opts.malformed = share(flags.malformed, '--malformed');
      if (flags.users !== undefined) opts.users = parseCount(flags.users, '--users');
      checkStdout(flags.output);
      const bar = progress('generate', kind, 'bytes', opts.size as number);
      const onProgress = (p: { bytesWritten: number }): void => bar.update(p.bytesWritten);
      try {
        if (flags.output === undefined || flags.output === '-') {
          await generateToStream(kind, process.stdout, { ...opts, onProgress });
        } else {
          await generateToFile(kind, flags.output, { ...opts, onProgress });
        }
      } catch (err) {
        if (err instanceof RangeError) throw usageError(err.message);
        const code = (err as NodeJS.ErrnoException).code;
        // A write error of stdout (a full disk behind > FILE) is said as such, not as a raw errno line.
        if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && !(err as Error).message.startsWith('cannot write')) {
          throw failure(`writing ${describeFsError(err, flags.output ?? 'stdout')}`);
        }
        throw failure((err as Error).message);
      } finally {
        bar.stop();
      }
    });
}
