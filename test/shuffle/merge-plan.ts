// The one merge planner, on a model kernel: a run is the list of original runs it holds, a merge
// concatenates its group (so order among runs is visible), and "too many open files" is injected both as
// a descriptor limit (a group of more than `limit` runs cannot open) and at random merge/open calls.
import test from 'ava';
import fc from 'fast-check';
import { passGroups, mergeRuns, type MergeKernel } from '../../operators/shuffle/runs/merge-plan.ts';
import { TooFewFilesError } from '../../operators/shuffle/runs/fdlimit.ts';

type Run = number[];
const emfile = (): Error => Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });

/** Passes a perfect planner needs: each pass can at best take r runs to ceil(r / F). */
function minimalPasses(runs: number, fanIn: number, held: boolean): number {
  const limit = held ? fanIn - 1 : fanIn;
  let p = 0;
  for (let r = runs; r > limit; r = Math.ceil(r / fanIn)) p++;
  return p;
}

test('passGroups: just enough groups to reach the fan-in (80 runs at 16: 16+16+16+16+5)', (t) => {
  t.deepEqual(passGroups(80, 16).map(([s, e]) => e - s), [16, 16, 16, 16, 5]);
  t.deepEqual(passGroups(80, 64).map(([s, e]) => e - s), [17]);
  t.deepEqual(passGroups(16, 16), []);
  t.deepEqual(passGroups(16, 16, true).map(([s, e]) => e - s), [2]);
  t.deepEqual(passGroups(5, 2).map(([s, e]) => e - s), [2, 2]); // the fifth run is not copied alone
});

test('property: every run merged exactly once, in order, final merge within the fan-in, passes minimal without failures', (t) => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 300 }), fc.integer({ min: 2, max: 40 }), fc.boolean(),
    fc.option(fc.integer({ min: 2, max: 40 }), { nil: undefined }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }),
    (count, fanIn, held, limit, failAt) => {
      const fail = new Set(failAt);
      let calls = 0;
      const merged: Run[] = [];
      const injected = (n: number): boolean => fail.has(calls++) || (limit !== undefined && n > limit);
      const kernel: MergeKernel<Run, Run[]> = {
        merge(group) {
          t.true(group.length >= 2 && group.length <= fanIn, `group of ${group.length} at fan-in ${fanIn}`);
          if (injected(group.length)) {
            if (calls % 2 === 0) throw emfile();
            return undefined;
          }
          merged.push(...group);
          return group.flat();
        },
        open(runs) {
          return injected(runs.length) ? undefined : runs;
        },
      };
      const runs = Array.from({ length: count }, (_, i) => [i]);
      let result;
      try {
        result = mergeRuns(runs, { fanIn, held }, kernel);
      } catch (err) {
        // only when even two runs could not be open together
        t.true(err instanceof TooFewFilesError);
        return;
      }
      const final = result.merged;
      t.deepEqual(final.flat(), runs.flat(), 'each run once, order kept');
      t.true(final.length + (held ? 1 : 0) <= result.fanIn, 'final merge within the fan-in');
      if (limit !== undefined) t.true(final.length <= limit, 'final merge within the descriptor limit');
      t.true(result.fanIn <= fanIn && result.fanIn >= 2);
      if (fail.size === 0 && (limit === undefined || limit >= fanIn)) {
        t.is(result.passes, minimalPasses(count, fanIn, held));
        t.is(result.fanIn, fanIn);
      }
    },
  ), { numRuns: 500 });
});

test('settle can give a group back unmerged (a merge done elsewhere failed): it is merged again later, in place', (t) => {
  const back = new Map<string, string[]>();
  let n = 0;
  const result = mergeRuns(['a', 'b', 'c', 'd', 'e', 'f', 'g'], { fanIn: 3 }, {
    merge(group) {
      const out = `(${group.join('')})`;
      if (n++ === 0) back.set(out, group); // the first merge "fails on the worker"
      return out;
    },
    open: (runs) => runs,
    settle: (runs) => runs.flatMap((r) => {
      const group = back.get(r);
      back.delete(r);
      return group ?? [r];
    }),
  });
  t.is(result.merged.join('').replace(/[()]/g, ''), 'abcdefg');
  t.true(result.merged.length <= 3);
});
