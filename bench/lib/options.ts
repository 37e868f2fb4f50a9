// Harness options: env (BENCH_SCALE, BENCH_RUNS, BENCH_FILTER) overridden by argv (--scale, --runs, --filter,
// --results, --cases, --data, --keep-going). A bare argv word is taken as the filter.
import { resolve } from 'node:path';

export interface HarnessOptions {
  /** Multiplies every input size. */
  scale: number;
  /** Runs per contender; the median is reported. */
  runs: number;
  /** Only cases whose title matches (case-insensitive regular expression). */
  filter: RegExp | null;
  casesDir: string;
  dataDir: string;
  resultsPath: string;
  /** Working directory of the commands (the repository root, so bench/scripts/… paths work). */
  cwd: string;
  /** The command line to record in RESULTS.md. */
  commandLine: string;
  log: (msg: string) => void;
}

function positive(name: string, v: string | undefined, fallback: number, integer: boolean): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, root: string): HarnessOptions {
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) { rest.push(a); continue; }
    flags[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  const known = ['scale', 'runs', 'filter', 'results', 'cases', 'data'];
  for (const k of Object.keys(flags)) if (!known.includes(k)) throw new Error(`unknown option --${k} (known: ${known.map((x) => `--${x}`).join(', ')})`);
  const filterText = flags.filter ?? rest[0] ?? env.BENCH_FILTER ?? '';
  const shown = ['BENCH_SCALE', 'BENCH_RUNS', 'BENCH_FILTER'].filter((k) => env[k]).map((k) => `${k}=${env[k]}`);
  return {
    scale: positive('BENCH_SCALE / --scale', flags.scale ?? env.BENCH_SCALE, 1, false),
    runs: positive('BENCH_RUNS / --runs', flags.runs ?? env.BENCH_RUNS, 3, true),
    filter: filterText ? new RegExp(filterText, 'i') : null,
    casesDir: resolve(root, flags.cases ?? 'bench/cases'),
    dataDir: resolve(root, flags.data ?? 'bench/data'),
    resultsPath: resolve(root, flags.results ?? 'bench/RESULTS.md'),
    cwd: root,
    commandLine: [...shown, 'npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    log: (msg) => process.stderr.write(`${msg}\n`),
  };
}
