// One size grammar for the CLI and the API (plumbing/sizes.ts): the same text means the same bytes in
// runJob, the CLI flags and the generator.
import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseSize as apiParseSize, runJob } from '../../lib/index.ts';
import { parseSize as generateParseSize } from '../../lib/generate/index.ts';
import { settingsOf } from '../../lib/runtime/options.ts';
import { parseSize } from '../../plumbing/sizes.ts';
import { allLines, tempDir } from '../runtime/helpers.ts';

const MiB = 2 ** 20;

test('units are binary whatever the spelling; a bare number is bytes, or KiB when asked (sort -S)', (t) => {
  for (const [text, n] of [
    ['65536', 65536], ['100B', 100], ['512K', 512 * 1024], ['512k', 512 * 1024], ['512KB', 512 * 1024],
    ['512KiB', 512 * 1024], ['64MB', 64 * MiB], ['64 MiB', 64 * MiB], ['64m', 64 * MiB], ['1GiB', 1024 * MiB],
    ['1.5g', 1.5 * 1024 * MiB], ['2T', 2 * 2 ** 40], [' 7M ', 7 * MiB],
  ] as const) t.is(parseSize(text), n, text);
  t.is(parseSize('8', '-S', 'k'), 8192);
  t.is(parseSize('8b', '-S', 'k'), 8);
  t.is(parseSize(1234.9), 1234);
});

test('N% is a share of physical RAM', (t) => {
  t.is(parseSize('50%'), Math.floor(os.totalmem() / 2));
  t.is(parseSize('12.5%'), Math.floor(os.totalmem() / 8));
  t.throws(() => parseSize('150%', 'memory'), { message: /memory: '150%' is more than all of RAM/ });
});

test('anything else is refused, naming the option and the text (bytes alone reads "1 lots" as 1)', (t) => {
  for (const bad of ['lots', '1 lots', '64iB', '1e3', '-1', '', 'MB', '5 %%']) {
    t.throws(() => parseSize(bad, 'memory'), { instanceOf: RangeError, message: /^memory: '.*' is not a size — write e\.g\. 64MB/ }, bad);
  }
  t.throws(() => parseSize(-1, 'memory'), { message: /memory: -1 is not a size/ });
  t.throws(() => parseSize(Number.NaN, 'memory'), { message: /NaN/ });
});

test('property: a whole number with any unit spelling is that many units', (t) => {
  const units = fc.constantFrom(['', 1], ['b', 1], ['k', 2 ** 10], ['KB', 2 ** 10], ['KiB', 2 ** 10], ['m', 2 ** 20], ['MiB', 2 ** 20], ['G', 2 ** 30]);
  fc.assert(fc.property(fc.integer({ min: 0, max: 4096 }), units, fc.constantFrom('', ' '), (n, [unit, scale], space) =>
    parseSize(`${n}${unit === '' ? '' : space}${unit}`) === n * (scale as number)));
  t.pass();
});

test('one parser: the API, the generator and the job options agree', (t) => {
  for (const text of ['64MB', '1GiB', '512K', '50%', '1000']) {
    t.is(apiParseSize(text), parseSize(text), text);
    t.is(generateParseSize(text), parseSize(text), text);
  }
});

test('runJob({ memory: "50%" }) is half of RAM, as --memory 50% is (it was read as 50 bytes)', async (t) => {
  t.is(settingsOf({ inputs: ['x'], output: 'out', memory: '50%', workers: 1 }, false).memory, Math.floor(os.totalmem() / 2));
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'b a\na\n');
  await runJob('wordcount', { inputs: [input], output: join(dir, 'out'), memory: '50%', workers: 1 });
  t.deepEqual(allLines(join(dir, 'out')), ['a\t2', 'b\t1']);
});
