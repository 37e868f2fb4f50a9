// The in-memory path groups keys with the one group-by-key (KeyGroups, as the reduce tasks do): with a
// secondary-sort `group`, a combine and a function reduce, any input gives the streaming path's bytes, and
// the reduce sees each value under its full key (ctx.key).
import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../../lib/index.ts';
import { readParts, tempDir } from './helpers.ts';

const job = (combine: boolean) => ({
  name: 'grouped',
  // key "user\x01n": grouped by user, values in key order within a user.
  map(line: string, emit: (k: string, v: number) => void) {
    const [user, n] = line.split(' ');
    if (user && n) emit(`${user}\x01${n}`, Number(n));
  },
  group: (key: string) => key.slice(0, key.indexOf('\x01')),
  ...(combine ? { combine: 'sum' as const } : {}),
  // Sums per full key, in the order the keys come (a combine may hand it one partial or several per key).
  reduce(user: string, values: Iterable<number>, ctx: { key: string }) {
    const sums = new Map<string, number>();
    for (const v of values) {
      const n = ctx.key.slice(user.length + 1);
      sums.set(n, (sums.get(n) ?? 0) + v);
    }
    return [...sums].map(([n, v]) => `${n}=${v}`).join(',');
  },
});

test('in-memory = streaming with group, with and without combine (fast-check)', async (t) => {
  const { dir, cleanup } = tempDir();
  let n = 0;
  try {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom('u1', 'u2', 'é', 'u10', 'z'), fc.integer({ min: 0, max: 12 })), { maxLength: 60 }),
      fc.boolean(), fc.integer({ min: 1, max: 3 }),
      async (rows, combine, reducers) => {
        const file = join(dir, `in-${n++}.txt`);
        writeFileSync(file, rows.map(([u, v]) => `${u} ${v}\n`).join(''));
        const outs: string[][] = [];
        for (const streaming of [false, true]) {
          const out = join(dir, `out-${n}-${streaming}`);
          await runJob(job(combine), { inputs: [file], output: out, streaming, reducers, workers: 1, ...(streaming ? { mapTasks: 2 } : {}) });
          outs.push(readParts(out));
        }
        t.deepEqual(outs[0], outs[1]);
      },
    ), { numRuns: 25 });
  } finally {
    cleanup();
  }
});

test('runJob: options that plan map tasks are refused with streaming: false, which runs none', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'u1 1\n');
    for (const [name, value] of [['mapTasks', 2], ['splitSize', '1MB'], ['threshold', '1MB']] as const) {
      await t.throwsAsync(runJob(job(false), { inputs: [file], output: join(dir, `out-${name}`), streaming: false, [name]: value }),
        { instanceOf: RangeError, message: `${name} plans map tasks; the in-memory path (streaming: false) runs none` });
    }
  } finally {
    cleanup();
  }
});
