// KeyTable (the map side's aggregation table) against a Map: same ids in first-seen order, across growth
// (many keys from a tiny initial capacity), clear() and keys that collide in their low hash bits; and the
// packed short keys at their edges (lengths around 11, NUL and 255 chars, chars above 255).
import test from 'ava';
import fc from 'fast-check';
import { KeyTable } from '../../operators/shuffle/keyed/key-table.ts';
import { partitionOf } from '../../lib/runtime/keys.ts';

const addAll = (t: KeyTable, keys: string[], ref: Map<string, number>): void => {
  for (const k of keys) {
    const found = t.find(k);
    const expected = ref.get(k);
    if (expected === undefined) {
      if (found !== -1) throw new Error(`found absent key ${JSON.stringify(k)}`);
      const id = t.insert(k);
      if (id !== ref.size) throw new Error(`new key ${JSON.stringify(k)} got id ${id}, want ${ref.size}`);
      ref.set(k, id);
    } else if (found !== expected) throw new Error(`key ${JSON.stringify(k)} has id ${found}, want ${expected}`);
  }
};

test('ids equal a Map of first-seen order, through growth and clear()', (t) => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(3000).map(String)), { maxLength: 400 }), { minLength: 1, maxLength: 4 }),
    fc.integer({ min: 1, max: 64 }),
    (batches, capacity) => {
      const table = new KeyTable(capacity);
      for (const keys of batches) {
        const ref = new Map<string, number>();
        addAll(table, keys, ref);
        t.is(table.size, ref.size);
        t.deepEqual(table.keys, [...ref.keys()]);
        table.clear();
        t.is(table.size, 0);
      }
    },
  ), { numRuns: 200 });
});

test('packed keys at their edges: lengths 0-14, NUL, 255 and wider chars, equal prefixes of other lengths', (t) => {
  const char = fc.constantFrom('\0', '\x01', 'a', 'z', '\xff', '\u0100', '\u4e00', '\ud83d');
  fc.assert(fc.property(
    fc.array(fc.array(char, { maxLength: 14 }).map((cs) => cs.join('')), { minLength: 1, maxLength: 300 }),
    fc.integer({ min: 1, max: 8 }),
    (keys, capacity) => {
      const table = new KeyTable(capacity);
      const ref = new Map<string, number>();
      // Each key also with a NUL appended and its last char dropped: same packed prefix, another length.
      addAll(table, keys.flatMap((k) => [k, `${k}\0`, k.slice(0, -1)]), ref);
      t.deepEqual(table.keys, [...ref.keys()]);
    },
  ), { numRuns: 300 });
});

test('its hash is partitionOf for latin1 byte-string keys', (t) => {
  fc.assert(fc.property(fc.array(fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 12 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 9 }), (keys, n) => {
    const table = new KeyTable();
    for (const k of keys) if (table.find(k) < 0) table.insert(k);
    table.keys.forEach((k, id) => t.is((table.hashes[id] >>> 0) % n, partitionOf(k, n, 'latin1')));
  }));
});

test('100k distinct keys from the smallest table', (t) => {
  const table = new KeyTable(1);
  const ref = new Map<string, number>();
  const keys = Array.from({ length: 100_000 }, (_, i) => `w${(i * 7919) % 100_000}`);
  addAll(table, keys, ref);
  addAll(table, keys, ref);
  t.is(table.size, 100_000);
});

test('bytes mode: ids equal a Map of first-seen order, keys kept as their UTF-8, growth predicted to the byte', (t) => {
  // Well-formed strings only: bytes mode compares UTF-8, where a lone surrogate and U+FFFD are one key.
  const key = fc.oneof(
    fc.string({ maxLength: 14 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.tuple(fc.string({ maxLength: 3 }), fc.nat(40)).map(([s, n]) => `${s}${'_'.repeat(n)}${s}`),
  );
  fc.assert(fc.property(fc.array(fc.array(key, { maxLength: 300 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 40 }), (batches, capacity) => {
    const table = new KeyTable(capacity, { bytes: true, bytesPerId: 8 });
    for (const keys of batches) {
      const ref = new Map<string, number>();
      for (const k of keys) {
        const found = table.find(k);
        const expected = ref.get(k);
        if (expected !== undefined) {
          t.is(found, expected);
          continue;
        }
        t.is(found, -1, `absent key ${JSON.stringify(k)}`);
        const before = table.heldBytes;
        const grow = table.growthBytes(k.length);
        ref.set(k, table.insert(k));
        t.is(table.heldBytes - before, grow, 'growthBytes is what insert allocated');
      }
      t.is(table.size, ref.size);
      t.deepEqual([...ref.keys()].map((_, id) => table.keyAt(id)), [...ref.keys()]);
      t.deepEqual(table.keys, [], 'no strings held');
      table.clear();
    }
  }), { numRuns: 200 });
});

test('bytes mode: long keys (compared through the scratch copy, and past its cap) equal a Map, same-length ASCII and wider keys mixed', (t) => {
  const char = fc.constantFrom('a', 'b', '\x7f', '\x80', '\xff', '\u4e00');
  const key = fc.tuple(fc.constantFrom(12, 13, 63, 64, 65, 200, 4095, 4096, 4097), fc.array(fc.tuple(fc.nat(4100), char), { maxLength: 2 }))
    .map(([n, edits]) => {
      const cs = Array.from({ length: n }, () => 'a');
      for (const [at, c] of edits) if (at < n) cs[at] = c;
      return cs.join('');
    });
  fc.assert(fc.property(fc.array(key, { minLength: 1, maxLength: 60 }), (keys) => {
    const table = new KeyTable(4, { bytes: true, slotValues: true });
    const ref = new Map<string, number>();
    for (const k of [...keys, ...keys.reverse()]) {
      const found = table.find(k);
      const expected = ref.get(k);
      if (expected !== undefined) t.is(found, expected);
      else {
        t.is(found, -1, `absent key of ${k.length} chars`);
        ref.set(k, table.insert(k));
      }
    }
    t.deepEqual([...ref.keys()].map((_, id) => table.keyAt(id)), [...ref.keys()]);
  }), { numRuns: 150 });
});
