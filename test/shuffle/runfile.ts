import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { lineCodec, pairCodec, jsonCodec, readRun, writeRun, runSource, type Codec } from '../../operators/shuffle/index.ts';
import { edgeLines, tempDir } from './helpers.ts';

function roundTrip<T>(t: { deepEqual: (a: unknown, b: unknown) => void }, codec: Codec<T>, records: T[], bufferSize?: number): void {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'run');
    writeRun(file, codec, records, bufferSize);
    t.deepEqual([...readRun(file, codec, bufferSize)], records);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('latin1 lines round-trip byte-exactly, across buffer boundaries and with huge records', (t) => {
  const lines = edgeLines(3000);
  lines.push('y'.repeat(300_000));
  roundTrip(t, lineCodec('latin1'), lines, 64);
  roundTrip(t, lineCodec('latin1'), lines);
});

test('utf8 lines round-trip any JS string', (t) => {
  roundTrip(t, lineCodec('utf8'), ['', 'é', '😀x', '\uffff', 'a'.repeat(200), '中文'], 64);
});

test('pairs round-trip ints, floats, -0, strings, objects (tagged, json and v8 formats)', (t) => {
  const pairs: [string, unknown][] = [
    ['a', 1], ['b', -1], ['c', 2 ** 31], ['d', -(2 ** 31)], ['e', 0.5], ['f', 'text é'], ['g', { x: [1, 'y', null] }],
    ['', null], ['h', true], ['i', 2147483647], ['j', -2147483648], ['k', 1e300], ['l', []],
  ];
  roundTrip(t, pairCodec('utf8'), pairs, 64);
  roundTrip(t, pairCodec('latin1', 'json'), pairs);
  roundTrip(t, pairCodec('utf8', 'v8'), pairs);
  const r = [...(function* () {
    const dir = tempDir();
    const f = path.join(dir, 'r');
    writeRun(f, pairCodec(), [['z', -0]]);
    yield* readRun(f, pairCodec());
    fs.rmSync(dir, { recursive: true });
  })()];
  t.true(Object.is(r[0][1], -0));
});

test('json codec round-trips objects', (t) => {
  roundTrip(t, jsonCodec(), [{ a: 1 }, [1, 2], 'x', 3]);
});

test('a truncated run file is reported with its name and offset', (t) => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'run');
    writeRun(file, lineCodec('latin1'), ['hello', 'world']);
    fs.truncateSync(file, 9);
    const err = t.throws(() => [...readRun(file, lineCodec('latin1'))]);
    t.regex(err.message, /corrupt run file .*run at byte 6/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('runSource streams a run as batches', async (t) => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'run');
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    writeRun(file, lineCodec('latin1'), lines);
    const got: string[] = [];
    for await (const batch of runSource<string>(file, lineCodec('latin1'), { batchSize: 128 })) got.push(...(batch as string[]));
    t.deepEqual(got, lines);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pairs carry "no value" (undefined) as itself in every value format, not as null', (t) => {
  const pairs: [string, unknown][] = [['a', undefined], ['b', null], ['c', 1], ['', undefined]];
  roundTrip(t, pairCodec('utf8'), pairs);
  roundTrip(t, pairCodec('latin1', 'json'), pairs);
  roundTrip(t, pairCodec('utf8', 'v8'), pairs);
});

test('writeDecimal writes what String() does: safe integers digit by digit, anything else through String()', async (t) => {
  const { writeDecimal } = await import('../../operators/shuffle/runs/codec.ts');
  const fc = (await import('fast-check')).default;
  const buf = Buffer.alloc(64);
  const same = (n: number) => {
    const len = writeDecimal(buf, 3, n);
    return buf.toString('latin1', 3, 3 + len) === String(n);
  };
  for (const n of [0, 1, 9, 10, 99, 100, 12345, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -0, -1, -10, 0.5, 1e21, 1e300, -1e-7, Infinity, -Infinity, NaN]) {
    t.true(same(n), String(n));
  }
  fc.assert(fc.property(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer(), fc.double()), same));
});
