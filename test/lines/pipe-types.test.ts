// Type-level tests: `npm run typecheck` compiles this file, so each @ts-expect-error must really be an error
// (mismatched stages do not compile) and the rest must type-check. The runtime test only builds the stages.
import test from 'ava';
import { Transform } from 'node:stream';
import { filter, flatMap, joinLines, map, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';
import type { Source, Stage } from '../../operators/types.ts';

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
}

test('the typed pipelines build', (t) => {
  t.is(typeof typeChecks, 'function');
  const stage = pipe(splitLines(), map((l: string) => l.length), filter((n: number) => n > 0));
  t.truthy(stage);
  // Like stream.pipeline, a composed stage destroyed before its end reports an AbortError.
  stage.on('error', (err) => t.is(err.name, 'AbortError'));
  stage.destroy();
});
