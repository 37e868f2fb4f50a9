// `mrpipe demo [--sizes 100MB,500MB,1GB] [--dir DIR] [--quick]`: what streaming buys, measured (lib/demo):
// word count in-memory vs streaming (1 worker) vs streaming with file splitting (all cores), each in a
// child process with its peak RSS, then a table, terminal charts, and JSON + SVG in DIR.
import type { Command } from 'commander';
import { runDemo, DemoUnavailableError, type DemoOptions } from '../../demo/index.ts';
import { parseCount, parseSize } from '../sizes.ts';
import { failure, usageError } from '../errors.ts';
import { progress } from '../progress.ts';

interface DemoFlags {
  sizes?: string;
  dir?: string;
  quick?: boolean;
  workers?: string;
  memory?: string;
  seed?: string;
  capped?: boolean;
  cappedSize?: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('show what streaming buys: in-memory vs streaming word count, time and peak RSS per input size')
    .option('--sizes <LIST>', 'input sizes, comma-separated (default 100MB,500MB,1GB; --quick: 64MB,128MB,256MB)')
    .option('--dir <DIR>', 'where inputs (reused), demo-results.json and demo-chart.svg go (default: <tmp>/mrpipe-demo)')
    .option('--quick', '64MB,128MB,256MB: about a minute on 2 idle cores (what npm start runs)')
    .option('--workers <N>', 'workers for the splitting run (default: cores)')
    .option('-m, --memory <SIZE>', '--memory of the streaming runs (default 256MB)')
    .option('--seed <N>', 'generator seed (default 1)')
    .option('--capped-size <SIZE>', 'input of the heap-capped run (default 32MB)')
    .option('--no-capped', 'skip the heap-capped run (in-memory failing where streaming finishes)')
    .addHelpText('after', `
Examples:
  mrpipe demo --quick
  mrpipe demo --sizes 100MB,500MB,1GB,4GB --dir /scratch/demo
  npm start                       # = mrpipe demo --quick`)
    .action(async (flags: DemoFlags) => {
      const opts: DemoOptions = { progress: (label, total) => progress('demo', label, 'bytes', total) };
      if (flags.sizes !== undefined) {
        const sizes = flags.sizes.split(',').map((s) => s.trim()).filter(Boolean);
        if (sizes.length === 0) throw usageError('--sizes: give one or more sizes, e.g. --sizes 100MB,500MB');
        opts.sizes = sizes.map((s) => parseSize(s, '--sizes'));
      }
      if (flags.dir !== undefined) opts.dir = flags.dir;
      if (flags.quick) opts.quick = true;
      if (flags.workers !== undefined) opts.workers = parseCount(flags.workers, '--workers');
      if (flags.memory !== undefined) { parseSize(flags.memory, '--memory'); opts.memory = flags.memory; }
      if (flags.seed !== undefined) opts.seed = parseCount(flags.seed, '--seed', 0);
      if (flags.cappedSize !== undefined) opts.capped = { size: parseSize(flags.cappedSize, '--capped-size') };
      if (flags.capped === false) opts.capped = false;
      let report;
      try {
        report = await runDemo(opts);
      } catch (err) {
        if (err instanceof DemoUnavailableError) throw failure(err.message);
        if (err instanceof RangeError) throw usageError(err.message);
        throw failure((err as Error).message);
      }
      if (!report.outputsIdentical) throw failure('the in-memory and streaming runs printed different counts — see the table above; this is a bug, please report it');
    });
}
