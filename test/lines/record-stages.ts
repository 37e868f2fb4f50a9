import test from 'ava';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { filter, flatMap, map, pipe } from '../../operators/lines/index.ts';
import { collect } from './helpers.ts';

async function run<T>(stage: NodeJS.ReadWriteStream, batches: unknown[][]): Promise<{ batches: T[][]; all: T[] }> {
  const out: T[][] = [];
  await (async () => {
    const src = Readable.from(batches, { objectMode: true });
    for await (const b of src.pipe(stage as unknown as NodeJS.WritableStream) as unknown as AsyncIterable<T[]>) out.push(b);
  })();
  return { batches: out, all: out.flat() };
}

test('map, filter and flatMap alone each match the array methods', async (t) => {
  const batches = [[1, 2, 3], [], [4, 5]];
  t.deepEqual((await run(map((n: number) => n * 10), batches)).all, [10, 20, 30, 40, 50]);
  t.deepEqual((await run(filter((n: number) => n % 2 === 1), batches)).all, [1, 3, 5]);
  t.deepEqual((await run(flatMap((n: number) => Array(n % 3).fill(n)), batches)).all, [1, 2, 2, 4, 5, 5]);
  t.deepEqual((await run(flatMap((n: number) => new Set([n, -n])), [[1, 2]])).all, [1, -1, 2, -2], 'any iterable');
});

test('empty output batches are not pushed', async (t) => {
  const { batches } = await run(filter((n: number) => n > 3), [[1, 2], [3], [4], []]);
  t.deepEqual(batches, [[4]]);
});

test('pipe fuses adjacent record stages and plain functions into ONE Transform', (t) => {
  let fusedCalls = 0;
  const stage = pipe(map((n: number) => n + 1), filter((n: number) => n > 2), (batch: number[]) => {
    fusedCalls++;
    return batch;
  }, flatMap((n: number) => [n, n]));
  t.is(stage.constructor.name, 'Transform', 'a single fused Transform, not a composed Duplex');
  t.is(fusedCalls, 0);
  stage.destroy();
});

test('fused pipelines equal the unfused array reference for any batches and op sequence', async (t) => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('map' as const), k: fc.integer({ min: -3, max: 3 }) }),
    fc.record({ kind: fc.constant('filter' as const), k: fc.integer({ min: 2, max: 4 }) }),
    fc.record({ kind: fc.constant('flatMap' as const), k: fc.integer({ min: 0, max: 2 }) }),
  );
  await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 20 }), { maxLength: 5 }),
    fc.array(op, { minLength: 1, maxLength: 6 }), async (batches, ops) => {
      let expected = batches.flat();
      const stages = ops.map(({ kind, k }) => {
        if (kind === 'map') {
          expected = expected.map((n) => n * 2 + k);
          return map((n: number) => n * 2 + k);
        }
        if (kind === 'filter') {
          expected = expected.filter((n) => n % k !== 0);
          return filter((n: number) => n % k !== 0);
        }
        expected = expected.flatMap((n) => Array(k).fill(n));
        return flatMap((n: number) => Array(k).fill(n));
      });
      const got = await collect<number>(Readable.from(batches, { objectMode: true })
        .pipe((pipe as (...s: unknown[]) => NodeJS.ReadWriteStream)(...stages) as unknown as NodeJS.WritableStream) as unknown as Readable);
      t.deepEqual(got, expected);
    }), { numRuns: 100 });
});

test('a throwing record function fails the stage with its error', async (t) => {
  const stage = pipe(map((n: number) => {
    if (n === 3) throw new Error('bad record 3');
    return n;
  }), filter(() => true));
  await t.throwsAsync(run(stage, [[1, 2], [3]]), { message: 'bad record 3' });
});
