import test from 'ava';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mapAsync } from '../../operators/lines/index.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function runAsync<B>(stage: NodeJS.ReadWriteStream, batches: number[][]): Promise<B[][]> {
  const out: B[][] = [];
  await pipeline(Readable.from(batches, { objectMode: true }), stage, async (source: AsyncIterable<unknown>) => {
    for await (const b of source) out.push(b as B[]);
  });
  return out;
}

test('ordered: input order kept, never more than `concurrency` calls in flight', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const stage = mapAsync(async (n: number) => {
    peak = Math.max(peak, ++inFlight);
    await sleep((n * 7) % 5);
    inFlight--;
    return n * 2;
  }, { concurrency: 3 });
  const input = [[1, 2, 3, 4], [5], [], [6, 7, 8, 9, 10]];
  const out = await runAsync<number>(stage, input);
  t.deepEqual(out.flat(), input.flat().map((n) => n * 2));
  t.true(out.every((b) => b.length > 0), 'no empty batches');
  t.is(peak, 3);
});

test('unordered: a slow record does not hold back the others (no head-of-line blocking)', async (t) => {
  const order: number[] = [];
  // Record 1 waits until every other record has been mapped (or 5 s, so a stage that blocks behind it fails
  // instead of hanging): a fixed 150 ms could end before the others on a loaded machine.
  let others = 0;
  let releaseSlow = (): void => {};
  // The bound's timer is unref'd: once released it must not keep the test process alive for the 5 s.
  const slow = Promise.race([new Promise<void>((r) => { releaseSlow = r; }), new Promise<void>((r) => setTimeout(r, 5000).unref())]);
  const stage = mapAsync(async (n: number) => {
    if (n === 1) await slow;
    else {
      await sleep(1);
      if (++others === 6) releaseSlow();
    }
    return n;
  }, { concurrency: 4, ordered: false });
  const out = await runAsync<number>(stage, [[1, 2, 3], [4, 5, 6, 7]]);
  for (const b of out) order.push(...b);
  t.deepEqual([...order].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
  t.is(order.at(-1), 1, 'the slow record comes last; the rest flowed past it');
});

test('a rejected call fails the stage', async (t) => {
  const stage = mapAsync(async (n: number) => {
    if (n === 2) throw new Error('lookup failed for 2');
    return n;
  }, { concurrency: 2 });
  await t.throwsAsync(runAsync(stage, [[1, 2, 3]]), { message: 'lookup failed for 2' });
  t.throws(() => mapAsync(async (n: number) => n, { concurrency: 0 }), { instanceOf: RangeError });
});
