// The shape of one benchmark case. bench/run.ts discovers bench/cases/*.ts (default export: BenchCase
// or BenchCase[]), generates the input once, runs every contender several times in a child process under
// /usr/bin/time -v, and rewrites bench/RESULTS.md with medians, peak RSS and ratios to the peers.

export interface BenchInput {
  /** What to generate (see lib/generate): 'text' = Zipf words, 'logs', 'activity'; or 'real' = the real corpus
   * (bench/lib/real-corpus.ts: the text files of Debian's gcc-12-source), or 'real-counts' = a `word<TAB>count`
   * table of the real corpus's words (the input of a keyed sort), in hash order; 'line' = one short line (start-up
   * cases: size and BENCH_SCALE do not apply). */
  kind: 'text' | 'logs' | 'activity' | 'real' | 'real-counts' | 'line';
  /** Bytes; the harness scales it with BENCH_SCALE (e.g. 0.1 for a quick run). */
  size: number;
  /** Distinct words for 'text' (high-cardinality cases set this large). */
  vocabulary?: number;
  seed?: number;
}

export interface Contender {
  name: string;
  /** A shell command; {input} is replaced by the input path, {tmp} by a fresh temp dir, {node} by the Node binary. */
  command: string;
  /** true for the tools we measure against; false for mrpipe's own entries. */
  peer: boolean;
  /** Outputs are compared after normalising with this shell filter (e.g. "sort"), when set. */
  normalize?: string;
}

export interface BenchCase {
  /** Section title in RESULTS.md. */
  title: string;
  input: BenchInput;
  contenders: Contender[];
  /** Check that every contender prints the same (normalised) output. Default true. */
  sameOutput?: boolean;
  /** Runs per contender at least (cheap cases that need many for a stable median); BENCH_RUNS may raise it. */
  runs?: number;
  /** Free text under the table: what was tried, what it gave. */
  notes?: string;
}
