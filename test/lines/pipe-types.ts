// Type-level tests: `npm run typecheck` compiles this file, so each @ts-expect-error must really be an error
// (mismatched stages do not compile) and the rest must type-check. The runtime test only builds the stages.
import test from 'ava';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import highland from 'highland';
import type chain from 'stream-chain';
import {
  aggregate, batch, combine, countWords, externalSort, filter, flatMap, joinLines, map, pipe, readChunks, reduce,
  splitLines, unbatch, wordCountLines, type Pair, type Source, type Stage,
} from '../../operators/index.ts';

function typeChecks(file: string): void {
  const words: Stage<Buffer, string[]> = pipe(splitLines(), flatMap((line: string) => line.split(' ')));
  const lengths: Stage<Buffer, number[]> = pipe(splitLines(), map((line: string) => line.length));
  const fromFile: Source<string[]> = pipe(readChunks(file), splitLines(), filter((l: string) => l !== ''));
  const roundTrip: Stage<Buffer, Buffer> = pipe(splitLines(), map((l: string) => l.toUpperCase()), joinLines());
  // Plain functions are chunk (batch) functions, typed from the stage before them.
  const counts: Stage<Buffer, number> = pipe(splitLines(), (lines) => lines.length);
  // A type guard in filter narrows the records.
  const narrowed: Stage<Array<string | number>, string[]> = pipe(filter((x: string | number): x is string => typeof x === 'string'));
  // An untyped Node Transform fits anywhere (its chunk types are unknown to the compiler).
  const anyTransform = pipe(splitLines(), new Transform({ objectMode: true }));
  void [words, lengths, fromFile, roundTrip, counts, narrowed, anyTransform];

  // @ts-expect-error map over numbers cannot follow splitLines (strings)
  pipe(splitLines(), map((n: number) => n * 2));
  // @ts-expect-error joinLines wants string[] batches, not Buffers
  pipe(readChunks(file), joinLines());
  // @ts-expect-error the result is a stage of numbers, not strings
  const wrong: Stage<Buffer, string[]> = pipe(splitLines(), map((line: string) => line.length));
  // @ts-expect-error a chunk function over Buffers cannot follow a stage of string batches
  pipe(splitLines(), (chunk: Buffer) => chunk.length);
  // @ts-expect-error filter keeps the record type: numbers stay numbers
  const filtered: Stage<number[], string[]> = pipe(filter((n: number) => n > 1));
  void [wrong, filtered];

  // A mismatch is reported at the step that does not fit: each @ts-expect-error below sits on the line of
  // that step, so an error reported at pipe( or at the first step would leave it unused (and fail).
  pipe(
    splitLines(),
    map((line: string) => line.length),
    // @ts-expect-error joinLines wants string[] batches; the step before gives number[]
    joinLines(),
  );
  pipe(
    readChunks(file),
    splitLines(),
    filter((line: string) => line !== ''),
    // @ts-expect-error a record function over numbers after string batches
    map((n: number) => n * 2),
    joinLines(),
  );
}

/** Built-ins typed by their values; stages through stream.pipeline, for await, chain() and highland. */
async function typeChecksKeyed(file: string): Promise<void> {
  const words = flatMap((line: string) => line.split(' ').map((w): Pair<number> => [w, 1]));
  const totals: Stage<Buffer, Pair<number>[]> = pipe(splitLines(), words, combine('sum'), externalSort(), reduce('sum'));
  const counted: Stage<string[], Pair<number>[]> = pipe(map((l: string): Pair<string> => [l, l]), aggregate('count'));
  const summed: Stage<Pair<number>[], Pair<number>[]> = aggregate('sum', { memory: 2 ** 20 });
  const collected: Stage<Pair<string>[], Pair<string[]>[]> = reduce<string>('collect');
  const folded: Stage<Pair<number>[], Pair<string>[]> = reduce((key: string, values: Iterable<number>) => `${key}:${[...values].length}`);
  const gathered: Stage<Pair<string>[], Pair<string[]>[]> = aggregate<string>('collect');
  void [totals, counted, summed, collected, folded, gathered];
  pipe(
    splitLines(),
    map((l: string): Pair<string> => [l, l]),
    // @ts-expect-error sum adds numbers: string values do not fit, and the error is at combine
    combine('sum'),
  );
  pipe(
    map((l: string): Pair<string> => [l, l]),
    // @ts-expect-error the same for aggregate
    aggregate('sum'),
  );
  // @ts-expect-error reduce('sum') gives Pair<number>, not Pair<unknown> or strings
  const notStrings: Stage<Pair<number>[], Pair<string>[]> = reduce('sum');
  void notStrings;

  // Records at the edges.
  const batched: Stage<Pair<number>, Pair<number>[]> = batch<Pair<number>>({ records: 100 });
  const records: Stage<string[], string> = unbatch<string>();
  void [batched, records];

  // stream.pipeline: a function step after a stage is typed by the stage's chunks, and checked at the end.
  await pipeline(readChunks(file), splitLines(), async (batches: AsyncIterable<string[]>) => {
    for await (const lines of batches) void lines.length;
  });
  await pipeline(readChunks(file), countWords(), wordCountLines(), process.stdout);
  await pipeline(
    readChunks(file),
    splitLines(),
    // @ts-expect-error splitLines gives string[] batches, not numbers
    async (batches: AsyncIterable<number[]>) => { for await (const b of batches) void b; },
  );
  // for await reads a stage's chunk type.
  for await (const lines of pipe(readChunks(file), splitLines())) {
    const typed: string[] = lines;
    // @ts-expect-error the chunks are string[], not numbers
    const wrongType: number[] = lines;
    void [typed, wrongType];
  }
  // stream-chain reads a stage's input type through its typed-stream protocol (TypedDuplex's W); its
  // output side (R) is read from the stream's event overloads, which need @types/node's event maps.
  const chainInput: chain.Arg0<ReturnType<typeof splitLines>> = Buffer.alloc(0);
  // @ts-expect-error splitLines takes Buffers
  const chainWrong: chain.Arg0<ReturnType<typeof splitLines>> = 'text';
  void [chainInput, chainWrong];
  // highland: its typings take any Node stream in through() (as Stream<any>); the element type is given.
  const h = highland<Buffer>(readChunks(file)).through(splitLines());
  void h;
  void Readable;
}

test('the typed pipelines build', (t) => {
  t.is(typeof typeChecks, 'function');
  t.is(typeof typeChecksKeyed, 'function');
  const stage = pipe(splitLines(), map((l: string) => l.length), filter((n: number) => n > 0));
  t.truthy(stage);
  // Like stream.pipeline, a composed stage destroyed before its end reports an AbortError.
  stage.on('error', (err) => t.is(err.name, 'AbortError'));
  stage.destroy();
});
