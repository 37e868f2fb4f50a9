// mergeNaturalRuns: input in a few ascending runs is merged, not sorted again. Oracle: the prefix sort
// (sortByKey), stable, over keys with surrogates and shared prefixes; and null past MAX_NATURAL_RUNS.
import test from 'ava';
import fc from 'fast-check';
import { mergeNaturalRuns, MAX_NATURAL_RUNS } from '../../operators/shuffle/runs/natural-runs.ts';
import { sortByKey } from '../../operators/shuffle/sort/prefixsort.ts';

type Rec = [key: string, seq: number];
const KEY = fc.oneof(fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 }), fc.constantFrom('ab', 'abc', 'ab\0', '\u{1F600}', '\uFFFF'));

test('runs of ascending keys merge to the stable sort; more than MAX_NATURAL_RUNS runs give null', (t) => {
  fc.assert(fc.property(fc.array(fc.array(KEY, { maxLength: 30 }), { minLength: 1, maxLength: MAX_NATURAL_RUNS + 2 }), (pieces) => {
    let seq = 0;
    const records: Rec[] = pieces.flatMap((keys) => sortByKey(keys).map((k): Rec => [k, seq++]));
    const want = sortByKey(records, (r) => r[0]);
    const got = mergeNaturalRuns(records, (r) => r[0]);
    let runs = records.length > 0 ? 1 : 0;
    for (let i = 1; i < records.length; i++) if (sortByKey([records[i - 1][0], records[i][0]])[0] !== records[i - 1][0]) runs++;
    if (runs > MAX_NATURAL_RUNS) t.is(got, null);
    else t.deepEqual(got, want);
  }), { numRuns: 500 });
});

test('random order is left to the sort at once', (t) => {
  const records = Array.from({ length: 10_000 }, (_, i): Rec => [String((i * 7919) % 10_007), i]);
  t.is(mergeNaturalRuns(records, (r) => r[0]), null);
});
