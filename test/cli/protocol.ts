// The Hadoop Streaming wire format: keys round-trip and their escaped forms sort in the keys' byte order;
// values round-trip through JSON (strings stay strings). And the contract of `mrpipe map` / `mrpipe reduce`
// as a task: a job that throws fails the task (non-zero exit, the error on stderr); user counters reach
// Hadoop as `reporter:counter:GROUP,NAME,N` stderr lines.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, tempDir } from './helpers.ts';
import { decodeKey, encodeKey, encodePair, splitPair } from '../../lib/cli/streaming/protocol.ts';

const bytesOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
const key = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }).map((cs) => String.fromCharCode(...cs));

test('property: escaped keys hold no TAB/LF/CR, round-trip, and keep byte order', (t) => {
  fc.assert(fc.property(key, key, (a, b) => {
    const ea = encodeKey(a);
    const eb = encodeKey(b);
    if (/[\t\n\r]/.test(ea)) return false;
    if (decodeKey(ea) !== a) return false;
    return Math.sign(bytesOrder(ea, eb)) === Math.sign(bytesOrder(a, b));
  }), { numRuns: 3000 });
  t.pass();
});

test('values are JSON: "1" and 1 stay distinct; undefined is no tab', (t) => {
  t.is(encodePair('k', '1'), 'k\t"1"\n');
  t.is(encodePair('k', 1), 'k\t1\n');
  t.is(encodePair('k', undefined), 'k\n');
  t.deepEqual(splitPair('k\t{"a":[1,"x\\ty"]}'), ['k', '{"a":[1,"x\\ty"]}']);
  t.deepEqual(splitPair('k'), ['k', undefined]);
  t.is(encodeKey('plain key'), 'plain key');
});

test('values JSON would change are errors naming the key', (t) => {
  t.throws(() => encodePair('a b', NaN), { message: /key "a b" is NaN/ });
  t.throws(() => encodePair('k', [1, Infinity]), { message: /holds Infinity/ });
  t.throws(() => encodePair('k', { f: () => 1 }), { message: /holds a function/ });
});

// A job that throws on chosen records and counts what it sees.
const THROWER = `export default {
  name: 'thrower',
  map(line, emit, ctx) {
    ctx.counter('mine', 'lines seen');
    if (line.startsWith('x')) ctx.counter('mine', 'x lines', 2);
    if (line === 'boom') throw new Error('map blew up on purpose');
    emit(line, 1);
  },
  reduce(key, values) {
    if (key === 'bad') throw new Error('reduce blew up on purpose');
    let n = 0;
    for (const v of values) n += v;
    return n;
  },
};
`;

function throwerJob(t: { teardown(fn: () => void): void }): string {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'thrower.mjs');
  fs.writeFileSync(file, THROWER);
  return file;
}

/** The sum of the reporter:counter increments for GROUP,NAME in a task's stderr (undefined: none). */
function counter(stderr: string, group: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of stderr.split('\n')) {
    const prefix = `reporter:counter:${group},${name},`;
    if (line.startsWith(prefix)) total = (total ?? 0) + Number(line.slice(prefix.length));
  }
  return total;
}

test('mrpipe map: user counters are reporter:counter:GROUP,NAME,N lines on stderr; data stays on stdout', async (t) => {
  const job = throwerJob(t);
  const r = await mrpipe(['map', job], 'a\nxb\na\nxc\n');
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), 'a\t1\nxb\t1\na\t1\nxc\t1\n');
  t.is(counter(r.stderr, 'mine', 'lines seen'), 4);
  t.is(counter(r.stderr, 'mine', 'x lines'), 4);
  t.is(counter(r.stderr, 'mrpipe', 'mapInputRecords'), 4);
  t.notRegex(r.stdout.toString(), /reporter:/);
});

test('mrpipe map: a map that throws exits non-zero with the error (and where) on stderr', async (t) => {
  const job = throwerJob(t);
  const r = await mrpipe(['map', job], 'a\nboom\nc\n');
  t.not(r.status, 0);
  t.regex(r.stderr, /map blew up on purpose/);
  t.regex(r.stderr, /\(stdin\) line 2 \(byte 2\)/, 'names the line');
});

test('mrpipe reduce: a reduce that throws exits non-zero with the error and the key on stderr', async (t) => {
  const job = throwerJob(t);
  const ok = await mrpipe(['reduce', job], 'a\t1\na\t2\nb\t1\n');
  t.is(ok.status, 0, ok.stderr);
  t.is(ok.stdout.toString(), 'a\t3\nb\t1\n');
  const r = await mrpipe(['reduce', job], 'a\t1\nbad\t1\nc\t1\n');
  t.not(r.status, 0);
  t.regex(r.stderr, /reduce blew up on purpose/);
  t.regex(r.stderr, /"bad"/, 'names the key');
});
