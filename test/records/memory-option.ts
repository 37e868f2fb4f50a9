// A keyed stage's byte budget is a number of bytes above 0, checked when the stage is built. combine took
// '64MB' (a string: its table never spilled), NaN, 0 and -5 without a word; aggregate and the sorts refused
// them with messages of their own. One check now (operators/check-options.ts, memoryOption).
import test from 'ava';
import { aggregate, combine } from '../../operators/index.ts';

const BAD: unknown[] = ['64MB', -5, 0, Number.NaN, Infinity];

for (const [stage, make] of [
  ['combine', (memory: unknown) => combine('sum', { memory: memory as number })],
  ['aggregate', (memory: unknown) => aggregate('sum', { memory: memory as number })],
] as const) {
  test(`${stage}: a memory that is not a positive number of bytes is a RangeError naming the stage`, (t) => {
    for (const memory of BAD) {
      t.throws(() => make(memory), { instanceOf: RangeError, message: new RegExp(`^mrpipe: ${stage}: memory must be a positive number of bytes`) }, String(memory));
    }
    t.notThrows(() => make(1));
    t.notThrows(() => make(undefined));
  });
}
