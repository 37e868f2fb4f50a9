// KeyTable with slotValues (the runtime's counting collector): each key's number lives in its slot, at
// `values[at]` after a hit or an insert, and valuesById gives them by id; the same sums as a Map, through
// growth from a tiny capacity, clear(), packed and long keys, keys that are not ASCII.
import test from 'ava';
import fc from 'fast-check';
import { KeyTable } from '../../operators/shuffle/keyed/key-table.ts';

test('slot values sum like a Map, by id, through growth and clear()', (t) => {
  const key = fc.oneof(fc.string({ maxLength: 14 }), fc.string({ unit: 'binary', maxLength: 5 }), fc.nat(5000).map((n) => `identifier_${n}`));
  fc.assert(fc.property(
    fc.array(fc.array(fc.tuple(key, fc.integer({ min: -5, max: 5 })), { maxLength: 400, size: 'max' }), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 1, max: 64 }),
    fc.boolean(),
    (batches, capacity, bytes) => {
      const table = new KeyTable(capacity, { bytes, slotValues: true });
      for (const pairs of batches) {
        const ref = new Map<string, number>();
        const ids: string[] = [];
        for (const [k, v] of pairs) {
          if (table.find(k) >= 0) table.values[table.at] += v;
          else { table.insert(k, v); ids.push(k); }
          // The value just added is at `at`, also right after an insert that grew the table.
          ref.set(k, (ref.get(k) ?? 0) + v);
          if (table.values[table.at] !== ref.get(k)) return false;
        }
        const byId = new Float64Array(table.size);
        table.valuesById(byId);
        if (table.size !== ref.size || ids.some((k, id) => byId[id] !== ref.get(k) || table.keyAt(id) !== k)) return false;
        table.clear();
      }
      return true;
    },
  ), { numRuns: 300 });
  t.pass();
});
