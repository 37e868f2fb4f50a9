// The mrpipe command line: parses argv with commander and dispatches to a command; returns the exit code
// (0 ok, 1 the job failed, 2 bad usage). Data goes to stdout, diagnostics to stderr.
import { Command, CommanderError } from 'commander';
import { BrokenPipe, CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, isEpipe } from './errors.ts';
import { normalizeSortArgs } from './sort/argv.ts';
import { removeTempDirsOnSignals } from '../../plumbing/tempdirs.ts';
import { VERSION } from '../../plumbing/version.ts';
import { capYoungGeneration } from '../../operators/young-generation.ts';
import { flagWords } from './flag-words.ts';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when it runs (or for the full help): a one-line `mrpipe sort` must
 * not pay for loading the runtime, the Hadoop Streaming tasks, the generators and the demo. `module` names
 * the file under commands/ (scripts/bundle-cli.ts builds one bundle per module).
 */
export const COMMANDS: readonly { names: readonly string[]; module: string; load: () => Promise<Register> }[] = [
  { names: ['sort'], module: 'sort', load: async () => (await import('./commands/sort.ts')).registerSort },
  { names: ['wordcount'], module: 'wordcount', load: async () => (await import('./commands/wordcount.ts')).registerWordcount },
  { names: ['run'], module: 'run', load: async () => (await import('./commands/run.ts')).registerRun },
  { names: ['map', 'combine', 'reduce'], module: 'streaming', load: async () => (await import('./commands/streaming.ts')).registerStreaming },
  { names: ['submit'], module: 'submit', load: async () => (await import('./commands/submit.ts')).registerSubmit },
  { names: ['recipes'], module: 'recipes', load: async () => (await import('./commands/recipes.ts')).registerRecipes },
  { names: ['generate'], module: 'generate', load: async () => (await import('./commands/generate.ts')).registerGenerate },
  { names: ['demo'], module: 'demo', load: async () => (await import('./commands/demo.ts')).registerDemo },
];

/**
 * Builds the program: every subcommand with its flags, help text and examples — or, given the command about
 * to run, only that one (the others' modules are not loaded; the program-level help then lists every
 * command only when asked, through a full build); given -V / --version, none.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('mrpipe')
    .description('MapReduce over files larger than RAM, in flat memory, from the shell or Hadoop Streaming')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`mrpipe: ${s.replace(/^error: /, '')}`),
    })
    .exitOverride();
  // `--version` first prints the version whatever follows: no command's module is needed.
  const named = COMMANDS.filter((c) => only !== undefined && c.names.includes(only));
  const load = only === '-V' || only === '--version' ? [] : named.length > 0 ? named : COMMANDS;
  for (const register of await Promise.all(load.map((c) => c.load()))) register(program);
  program.addHelpText('after', `
Examples:
  cat access.log | mrpipe run logs              # the log-analysis recipe, result on stdout
  mrpipe sort -t, -k2,2n -S 64M big.csv -o sorted.csv
  mrpipe wordcount --top 10 books/*.txt
  mrpipe run --map '(l, emit) => emit(l.split(" ")[8], 1)' --reduce sum access.log
  mrpipe map wordcount < in | LC_ALL=C sort -t$'\\t' -k1,1 -s | mrpipe reduce wordcount
  mrpipe recipes                                 # the ready-made jobs

Exit status: 0 ok, 1 the job failed (the message names the file, line and byte offset), 2 bad usage.`);
  for (const cmd of program.commands) {
    // Commander's own errors (unknown option, missing argument) name the subcommand, as ours do.
    cmd.exitOverride().showHelpAfterError(`(run 'mrpipe ${cmd.name()} --help' for usage and examples)`)
      .configureOutput({ outputError: (s, write) => write(`mrpipe ${cmd.name()}: ${s.replace(/^error: /, '')}`) });
  }
  return program;
}

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // A reader that went away (`| head`) is not an error: stop quietly with status 0.
  let brokenPipe = false;
  const onStdoutError = (err: Error): void => {
    if (isEpipe(err)) brokenPipe = true;
  };
  process.stdout.on('error', onStdoutError);
  // A command is a whole process: on SIGINT/SIGTERM its temp files go and it dies of the signal.
  removeTempDirsOnSignals(true);
  try {
    // Only the command named first is loaded (none for --version); anything else (--help, a typo) builds them all.
    const program = await buildProgram(argv[0]);
    // Keep V8's young generation at its initial size: streaming code makes short-lived garbage at a high
    // rate, and a young generation grown to tens of MB shows up as peak RSS without making it faster. Set
    // once the command's modules are loaded (stdout made above), before it runs: V8 refuses Node's cached
    // code for every built-in module loaded after a flag changes, which is then compiled from source
    // (fs/promises: 5 times the work). Nothing has grown the young generation yet: no scavenge has run.
    capYoungGeneration();
    if (argv.length === 0) {
      process.stderr.write(program.helpInformation());
      return EXIT_USAGE;
    }
    // GNU sort's abbreviated long options and obsolete +POS keys, which commander does not take.
    if (argv[0] === 'sort') argv = ['sort', ...normalizeSortArgs(argv.slice(1))];
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof BrokenPipe || isEpipe(err) || brokenPipe) return EXIT_OK;
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (err instanceof CliError) {
      if (err.message !== '') process.stderr.write(`mrpipe ${commandName(argv)}: ${flagWords(err.message)}\n`);
      return err.exitCode;
    }
    process.stderr.write(`mrpipe ${commandName(argv)}: ${flagWords((err as Error)?.stack ?? String(err))}\n`);
    return EXIT_FAILED;
  } finally {
    removeTempDirsOnSignals(false);
    // Stop reading stdin so the process can exit even when the command stopped early.
    if (brokenPipe && !process.stdin.destroyed) process.stdin.destroy();
  }
}

function commandName(argv: readonly string[]): string {
  return argv.find((a) => !a.startsWith('-')) ?? '';
}
