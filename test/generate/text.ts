import test from 'ava';
import { MAX_WORDS_PER_LINE } from '../../lib/generate/index.ts';
import { zipfVocabulary } from '../../lib/generate/text.ts';
import { collect, lines } from './helpers.ts';

/** Least-squares slope of log(frequency) against log(rank) over ranks from..to (1-based). */
function zipfSlope(counts: number[], from: number, to: number): number {
  const xs: number[] = [], ys: number[] = [];
  for (let r = from; r <= to; r++) { xs.push(Math.log(r)); ys.push(Math.log(counts[r - 1])); }
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0, den = 0;
  for (let i = 0; i < xs.length; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return num / den;
}

function wordCounts(buf: Buffer): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of lines(buf)) for (const w of line.split(' ')) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

test('text: lines of 1..20 lower-case words separated by single spaces', async (t) => {
  const ls = lines(await collect('text', { size: 1_000_000, seed: 3 }));
  const perLine = new Set<number>();
  for (const l of ls) {
    t.regex(l, /^[a-z]+( [a-z]+)*$/);
    perLine.add(l.split(' ').length);
  }
  t.deepEqual([...perLine].sort((a, b) => a - b), Array.from({ length: MAX_WORDS_PER_LINE }, (_, i) => i + 1));
});

test('text: word frequencies follow Zipf with slope -1 ± 0.1 (log-log fit, ranks 1..1000)', async (t) => {
  const counts = [...wordCounts(await collect('text', { size: 8_000_000, seed: 3 })).values()].sort((a, b) => b - a);
  const slope = zipfSlope(counts, 1, 1000);
  t.log(`slope ${slope.toFixed(3)}, distinct ${counts.length}`);
  t.true(slope > -1.1 && slope < -0.9, `slope ${slope}`);
});

test('text: every word is in the distinct vocabulary, and the stem blocks past rank 8,192 hold their Zipf share', async (t) => {
  const n = 200_000;
  const vocabulary = zipfVocabulary(n);
  t.is(vocabulary.length, n);
  t.is(new Set(vocabulary).size, n, 'head words and stem+suffix words never collide');
  const rankOf = new Map(vocabulary.map((w, r) => [w, r]));
  // Shares of the words drawn in three rank ranges, against the exact Zipf (s = 1) mass of each range.
  const cuts = [0, 8192, 32_768, n];
  const seen = [0, 0, 0];
  let total = 0;
  for (const [w, c] of wordCounts(await collect('text', { size: 8_000_000, seed: 5 }))) {
    const r = rankOf.get(w);
    if (r === undefined) { t.fail(`word not in the vocabulary: ${w}`); return; }
    seen[cuts.findIndex((cut, i) => r >= cut && r < cuts[i + 1])] += c;
    total += c;
  }
  let mass = 0;
  const expected = [0, 0, 0];
  for (let r = 0; r < n; r++) { mass += 1 / (r + 1); expected[cuts.findIndex((cut, i) => r >= cut && r < cuts[i + 1])] += 1 / (r + 1); }
  for (let i = 0; i < 3; i++) {
    const share = seen[i] / total, want = expected[i] / mass;
    t.log(`ranks ${cuts[i]}..${cuts[i + 1]}: ${(share * 100).toFixed(2)}% (Zipf ${(want * 100).toFixed(2)}%)`);
    t.true(Math.abs(share - want) < 0.005, `ranks ${cuts[i]}..${cuts[i + 1]}: ${share} vs ${want}`);
  }
});

test('text: the zipf option sets the slope; the vocabulary option bounds the distinct words', async (t) => {
  const counts = [...wordCounts(await collect('text', { size: 4_000_000, seed: 9, zipf: 1.5, vocabulary: 5000 })).values()].sort((a, b) => b - a);
  const slope = zipfSlope(counts, 1, 200);
  t.true(slope > -1.6 && slope < -1.4, `slope ${slope}`);
  const small = wordCounts(await collect('text', { size: 1_000_000, seed: 9, vocabulary: 50 }));
  t.is(small.size, 50);
});

test('text: high-cardinality mode yields mostly distinct words from a huge vocabulary', async (t) => {
  const buf = await collect('text', { size: 4_000_000, seed: 3, vocabulary: 50_000_000 });
  const m = wordCounts(buf);
  let total = 0;
  for (const c of m.values()) total += c;
  t.log(`distinct ${m.size} of ${total} words`);
  t.true(m.size / total > 0.5, `${m.size} distinct of ${total}`);
  for (const w of m.keys()) if (!/^[a-z]{1,7}$/.test(w)) t.fail(`bad word ${w}`);
  // Still Zipf-like at the head: the most frequent word is far above the median.
  const counts = [...m.values()].sort((a, b) => b - a);
  t.true(counts[0] > 20 * counts[Math.floor(counts.length / 2)]);
});

test('text: highCardinality alone means a 50M-word vocabulary', async (t) => {
  const a = await collect('text', { size: 200_000, seed: 3, highCardinality: true });
  const b = await collect('text', { size: 200_000, seed: 3, vocabulary: 50_000_000 });
  t.true(a.equals(b));
});
