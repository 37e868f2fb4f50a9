// SlotSplitter (the calling thread's scan for ParallelWordCounter's helpers): each word of a slot is counted
// here or described to its owner exactly once, a full descriptor list stops the scan with a place left for
// a piece, and long words go out as pieces the helper hashes itself.
import test from 'ava';
import fc from 'fast-check';
import { DESC_INTS, SlotSplitter, readDescriptors } from '../../operators/shuffle/words/wordsplit.ts';
import { WORD_KEYS, hashBytes, wordKey } from '../../operators/shuffle/words/wordscan.ts';

interface Seen { mine: string[]; helpers: string[][]; pieces: [number, string, boolean][] }

/** Splits data[0, to) of a one-slot ring with `helpers` helpers owning keys by `own`; returns what each got. */
function split(data: Buffer, own: (key: number) => number, helpers: number, cap: number): { stop: number; seen: Seen; splitter: SlotSplitter; descs: Int32Array } {
  const owner = new Uint8Array(WORD_KEYS);
  for (let k = 0; k < WORD_KEYS; k++) owner[k] = own(k);
  const seen: Seen = { mine: [], helpers: Array.from({ length: helpers }, () => []), pieces: [] };
  const descs = new Int32Array(helpers * cap * DESC_INTS);
  const sink = {
    addWord(buf: Uint8Array, s: number, e: number, h: number) {
      if (h !== hashBytes(buf, s, e)) throw new Error('wrong hash');
      seen.mine.push(Buffer.from(buf.subarray(s, e)).toString('latin1'));
    },
  };
  const splitter = new SlotSplitter(data, owner, helpers, sink, descs, cap);
  splitter.begin(0, 0);
  const stop = splitter.scan(0, data.length);
  return { stop, seen, splitter, descs };
}

/** What helper t was handed: whole words (hash checked) and pieces. */
function handed(data: Buffer, descs: Int32Array, counts: Int32Array, t: number, cap: number, seen: Seen): void {
  const d = t * cap * DESC_INTS;
  readDescriptors(descs, d, d + counts[t] * DESC_INTS, 0, (s, e, h) => {
    if (h !== hashBytes(data, s, e)) throw new Error('wrong hash');
    seen.helpers[t].push(data.toString('latin1', s, e));
  }, (s, e, last) => seen.pieces.push([t, data.toString('latin1', s, e), last]));
}

test('every word is counted here or handed to its owner once, in order; 8 KiB words go out as one last piece', (t) => {
  const long = 'k'.repeat(8192);
  const data = Buffer.from(`a b  ab\tm mm\nb a ${long} ${'k'.repeat(8191)} m`, 'latin1');
  // Keys starting with 'm' stay here; 'a' goes to helper 0, the rest to helper 1.
  const own = (k: number): number => (k >> 8 === 0x6d ? 0 : k >> 8 === 0x61 ? 1 : 2);
  const { stop, seen, splitter, descs } = split(data, own, 2, 16);
  t.is(stop, data.length);
  for (const h of [0, 1]) handed(data, descs, splitter.counts, h, 16, seen);
  t.deepEqual(seen.mine, ['m', 'mm', 'm']);
  t.deepEqual(seen.helpers, [['a', 'ab', 'a'], ['b', 'b', 'k'.repeat(8191)]]);
  t.deepEqual(seen.pieces, [[1, long, true]]);
});

test('a full descriptor list stops the scan at the word it cannot take, with one place left for a piece', (t) => {
  const data = Buffer.from('a b c d e m', 'latin1');
  const own = (k: number): number => (k >> 8 === 0x6d ? 0 : 1);
  const { stop, splitter, descs, seen } = split(data, own, 1, 4);
  t.is(stop, data.indexOf('d'));
  t.is(splitter.counts[0], 3);
  splitter.piece(0, stop, stop + 1, false);
  t.throws(() => splitter.piece(0, stop, stop + 1, true), { message: /overflowed/ });
  splitter.counts[0] = 4;
  handed(data, descs, splitter.counts, 0, 4, seen);
  t.deepEqual(seen.helpers[0], ['a', 'b', 'c']);
  t.deepEqual(seen.pieces, [[0, 'd', false]]);
});

test('property: scanning a slot in stops (lists emptied in between) hands out every word once, by key', (t) => {
  const word = fc.oneof(fc.constantFrom('a', 'b', 'ab', '\xff', '\x00x', 'zz'), fc.string({ minLength: 1, maxLength: 9 }).map((s) => s.replace(/[ \t\n\v\f\r]/g, '_')));
  fc.assert(fc.property(fc.array(fc.tuple(word, fc.constantFrom(' ', '\n', '\r\n', '\t\t'))), fc.integer({ min: 2, max: 6 }), fc.nat(255), (ws, cap, salt) => {
    const data = Buffer.from(ws.map(([w, s]) => w + s).join(''), 'latin1');
    const helpers = 2;
    const own = (k: number): number => ((k ^ salt) * 2654435761 >>> 7) % (helpers + 1);
    const owner = new Uint8Array(WORD_KEYS);
    for (let k = 0; k < WORD_KEYS; k++) owner[k] = own(k);
    const got: string[][] = [[], [], []];
    const descs = new Int32Array(helpers * cap * DESC_INTS);
    const splitter = new SlotSplitter(data, owner, helpers, {
      addWord(buf, s, e) { got[0].push(Buffer.from(buf.subarray(s, e)).toString('latin1')); },
    }, descs, cap);
    let from = 0;
    while (true) {
      splitter.begin(0, 0);
      const stop = splitter.scan(from, data.length);
      for (let h = 0; h < helpers; h++) {
        t.true(splitter.counts[h] < cap);
        const d = h * cap * DESC_INTS;
        readDescriptors(descs, d, d + splitter.counts[h] * DESC_INTS, 0, (s, e) => got[h + 1].push(data.toString('latin1', s, e)), () => t.fail());
      }
      if (stop === data.length) break;
      t.true(stop > from);
      from = stop;
    }
    const words = ws.map(([w]) => w);
    for (let o = 0; o <= helpers; o++) t.deepEqual(got[o], words.filter((w) => owner[wordKey(Buffer.from(w, 'latin1'), 0, w.length)] === o));
  }), { numRuns: 200 });
});
