// The Hadoop Streaming wire format: keys round-trip and their escaped forms sort in the keys' byte order;
// values round-trip through JSON (strings stay strings).
import test from 'ava';
import fc from 'fast-check';
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
