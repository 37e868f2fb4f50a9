// The one merge planner of every sorter and of the runtime: which consecutive runs each pass merges, and
// the fd-limit fallback (lower the fan-in, go on in more passes). A sorter supplies only its own kernel —
// "merge these runs into one new run" and "open the final merge" — in its own run format.
import { isFdLimit, lowerFanIn } from './fdlimit.ts';

/**
 * The groups [start, end) of consecutive runs one pass merges, given `runs` runs: just enough groups of up
 * to fanIn that at most fanIn remain (fanIn − 1 when a held in-memory buffer joins the final merge), e.g.
 * 80 runs at fan-in 16: groups of 16, 16, 16, 16 and 5. When one pass cannot get there it merges all in
 * groups of fanIn (a lone run left at the end is not copied). Empty when the runs already fit.
 */
export function passGroups(runs: number, fanIn: number, held = false): Array<[number, number]> {
  let excess = runs - (held ? fanIn - 1 : fanIn); // each merge of g runs removes g − 1
  const groups: Array<[number, number]> = [];
  let i = 0;
  while (excess > 0) {
    const n = Math.min(fanIn, excess + 1, runs - i);
    if (n < 2) break;
    groups.push([i, i + n]);
    i += n;
    excess -= n - 1;
  }
  return groups;
}

/** What a sorter supplies: its merge kernel over its own run format. */
export interface MergeKernel<R, M> {
  /**
   * Merges `group` (≥ 2 runs, in order: on equal records the earlier run first) into one new run (a
   * sorter removes the inputs then, to keep disk use ≈ 1× the input). Returns undefined, or throws an fd-limit error (EMFILE/ENFILE), when descriptors ran
   * out: then it must have closed what it opened and left the inputs whole.
   */
  merge(group: R[]): R | undefined;
  /** Opens the final merge over `runs` (the held buffer, if any, is the kernel's to add); undefined or an fd-limit error as for merge. */
  open(runs: R[]): M | undefined;
  /** After each pass, the runs as they are now; may replace them (a merge done elsewhere that failed gives its group back). */
  settle?(runs: R[]): R[];
}

export interface MergePlanOptions {
  /** Runs merged at once, ≥ 2 (the held buffer counts as one). */
  fanIn: number;
  /** A held in-memory buffer joins the final merge. */
  held?: boolean;
}

export interface Merged<M> {
  merged: M;
  /** The fan-in it ended at (lower than asked after an fd-limit failure). */
  fanIn: number;
  /** Intermediate passes that merged something (the final merge not counted). */
  passes: number;
}

/**
 * Merges `runs` in passes until they fit one merge, then opens it. On an fd-limit failure the fan-in is
 * halved (at least 2; below that TooFewFilesError) and the plan goes on from the runs as they are (groups
 * already merged stay in place, so run order — and stability — is kept), like GNU sort.
 */
export function mergeRuns<R, M>(runs: readonly R[], options: MergePlanOptions, kernel: MergeKernel<R, M>): Merged<M> {
  let fanIn = options.fanIn;
  if (!(fanIn >= 2)) throw new RangeError(`mrpipe: fanIn must be at least 2, got ${fanIn}`);
  const held = !!options.held;
  let level = [...runs];
  let passes = 0;
  for (;;) {
    const groups = passGroups(level.length, fanIn, held);
    if (groups.length === 0) {
      const merged = attempt(() => kernel.open(level));
      if (merged.ok) return { merged: merged.value, fanIn, passes };
      fanIn = lowerFanIn(fanIn, merged.cause);
      continue;
    }
    let next: R[] = [];
    let i = 0;
    let done = 0;
    let failure: { cause: unknown } | undefined;
    for (const [s, e] of groups) {
      next.push(...level.slice(i, s));
      const out = attempt(() => kernel.merge(level.slice(s, e)));
      if (!out.ok) {
        failure = { cause: out.cause };
        i = s;
        break;
      }
      next.push(out.value);
      i = e;
      done++;
    }
    next.push(...level.slice(i));
    if (kernel.settle) next = kernel.settle(next);
    if (done > 0) passes++;
    if (failure) fanIn = lowerFanIn(fanIn, failure.cause);
    level = next;
  }
}

type Attempt<T> = { ok: true; value: T } | { ok: false; cause: unknown };

/** Runs a kernel step; an undefined result or an fd-limit error is a failure to retry at a lower fan-in. */
function attempt<T>(step: () => T | undefined): Attempt<T> {
  try {
    const value = step();
    return value === undefined ? { ok: false, cause: undefined } : { ok: true, value };
  } catch (err) {
    if (isFdLimit(err)) return { ok: false, cause: err };
    throw err;
  }
}
