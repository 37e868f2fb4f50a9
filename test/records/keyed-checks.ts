// The keyed stages check what user code hands them as every runner does (lib/job/checks.ts builds on the
// same checks, operators/shuffle/keyed/checks.ts): a key that is not a string is an error naming it, a
// reduce function that throws fails naming its key, and one that returns a Promise is refused. Before, a
// stream reduce passed the Promise on as the key's value, and a number key went through combine and reduce.
import test from 'ava';
import { Readable, Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { combine, externalSort, flatMap, partition, pipe, reduce, type Pair } from '../../operators/index.ts';

async function run(stage: Duplex, batches: unknown[][]): Promise<unknown[]> {
  const out: unknown[] = [];
  await pipeline(Readable.from(batches, { objectMode: true }), stage,
    new Writable({ objectMode: true, write(b: unknown[], _e, cb) { out.push(...b); cb(); } }));
  return out;
}

const asStage = (s: unknown): Duplex => s as Duplex;

test('reduce: a function that returns a Promise is refused, naming the key', async (t) => {
  const async = reduce<number, number>((async (_k: string, vs: Iterable<number>) => [...vs].length) as unknown as (k: string, vs: Iterable<number>) => number);
  await t.throwsAsync(run(asStage(async), [[['a', 1], ['a', 2]]]), { message: 'reduce returned a Promise for key "a": reduce must be synchronous' });
});

test('reduce: a function that throws fails naming the key, the cause kept', async (t) => {
  const err = await t.throwsAsync(run(asStage(reduce<number, number>((k) => { throw new RangeError(`no ${k}`); })), [[['a', 1], ['b', 2]]]));
  t.is(err?.message, 'reduce failed for key "a": RangeError: no a');
  t.true(err?.cause instanceof RangeError);
});

test('combine, partition and reduce: a key that is not a string is an error naming its type and value', async (t) => {
  await t.throwsAsync(run(asStage(reduce('sum')), [[[42, 1], [42, 2]]]), { message: /^reduce: key must be a string, got number 42/ });
  await t.throwsAsync(run(asStage(combine('sum')), [[['a', 1], [null, 2]]]), { message: /^combine: key must be a string, got null/ });
  await t.throwsAsync(run(asStage(partition(2)), [[[42, 1]]]), { message: /^partition: key must be a string, got number 42/ });
  // Fused: the pairs a flatMap makes go straight into combine's table.
  const fused = pipe(flatMap((l: string) => [[l.length, 1] as unknown as Pair<number>]), combine('sum'));
  await t.throwsAsync(run(asStage(fused), [['abc']]), { message: /^combine: key must be a string, got number 3/ });
});

test('the same stages still give the right answers', async (t) => {
  const out = await run(asStage(pipe(externalSort<Pair<number>>({ memory: 1 << 20 }), reduce<number, number>((_k, vs) => [...vs].reduce((a, b) => a + b, 0)))),
    [[['b', 1], ['a', 2]], [['b', 3]]]);
  t.deepEqual(out, [['a', 2], ['b', 4]]);
});
