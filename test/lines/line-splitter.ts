import test from 'ava';
import fc from 'fast-check';
import { LineSplitter, LineTooLongError } from '../../operators/lines/index.ts';
import { referenceLines, textFile } from './helpers.ts';

function splitInPieces(data: Buffer, cuts: number[], encoding: 'utf8' | 'latin1' = 'utf8'): string[] {
  const splitter = new LineSplitter({ encoding });
  const lines: string[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
  };
  let s = 0;
  for (const cut of [...cuts.map((c) => c % (data.length + 1))].sort((a, b) => a - b)) {
    splitter.write(data.subarray(s, cut), onLine);
    s = cut;
  }
  splitter.write(data.subarray(s), onLine);
  splitter.end(onLine);
  return lines;
}

/** The batch path: data cut at `cuts` (taken mod its length + 1, in order) through split(), then finish(). */
function splitBatchesAt(splitter: LineSplitter, data: Buffer, cuts: number[]): string[] {
  const got: string[] = [];
  let s = 0;
  for (const cut of cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b)) {
    got.push(...splitter.split(data.subarray(s, cut)));
    s = cut;
  }
  got.push(...splitter.split(data.subarray(s)), ...splitter.finish());
  return got;
}

test('any chunking gives the reference lines (utf8 and latin1)', (t) => {
  fc.assert(fc.property(textFile, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom('utf8', 'latin1'),
    (data, cuts, encoding) => {
      t.deepEqual(splitInPieces(data, cuts, encoding as 'utf8' | 'latin1'), referenceLines(data, encoding as 'utf8'));
    }), { numRuns: 300 });
});

test('the batch path split() gives the same lines in copy and slice modes, for any chunking', (t) => {
  fc.assert(fc.property(textFile, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom('utf8', 'latin1'),
    fc.constantFrom('copy', 'slice'), fc.integer({ min: 0, max: 400 }), (data, cuts, encoding, strings, max) => {
      const enc = encoding as 'utf8' | 'latin1';
      const splitter = new LineSplitter({ encoding: enc, strings: strings as 'copy', maxLineBytes: max, onOverlong: 'skip' });
      const got = splitBatchesAt(splitter, data, cuts);
      const expected = referenceLines(data, enc);
      // Overlong is decided on the raw bytes of a line (a BOM counts), so filter by the raw lengths.
      const raw = referenceLines(data, 'latin1');
      t.deepEqual(got, expected.filter((_, i) => raw[i].length <= max));
      t.is(splitter.lines, expected.length);
      t.is(splitter.skipped, expected.length - got.length);
    }), { numRuns: 300 });
});

/** Every (line, offset, index) write() delivers and every skip, for data cut at `cuts`. */
function writeAll(splitter: LineSplitter, data: Buffer, cuts: number[], skips: number[]): Array<[string, number, number]> {
  const seen: Array<[string, number, number]> = [];
  const onLine = (line: string, offset: number, index: number): void => {
    seen.push([line, offset, index]);
  };
  let s = 0;
  for (const cut of cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b)) {
    splitter.write(data.subarray(s, cut), onLine);
    s = cut;
  }
  splitter.write(data.subarray(s), onLine);
  splitter.end(onLine);
  seen.push(['skipped', splitter.skipped, skips.length]);
  return seen;
}

// Big enough to span several 32 KiB decode pieces, with ASCII and non-ASCII pieces, CRLF, long lines.
const manyLines = fc.record({
  lines: fc.array(fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.nat(3000).map((n) => 'x'.repeat(n)) },
  ).map((l) => l.replace(/[\r\n]/g, ' ')), { maxLength: 4000 }),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
}).map(({ lines, crlf, finalNewline }) => Buffer.from(lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? '\n' : '')));

test("write() in slice mode delivers copy mode's lines, offsets, indexes and skips, for any chunking", (t) => {
  // Raw bytes too: invalid UTF-8 decodes to U+FFFD the same way per piece as per line.
  const rawBytes = fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a.map((b) => (b % 7 === 0 ? 10 : b))));
  fc.assert(fc.property(fc.oneof(textFile, manyLines, rawBytes), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom('utf8', 'latin1'),
    fc.boolean(), fc.constantFrom(5, 40, 2000, 1 << 20), fc.constantFrom(0, 7), (data, cuts, encoding, keepCR, max, startOffset) => {
      const run = (strings: 'copy' | 'slice') => {
        const skips: number[] = [];
        const splitter = new LineSplitter({ encoding: encoding as 'utf8', strings, keepCR, maxLineBytes: max, onOverlong: 'skip', startOffset, onSkip: (k) => skips.push(k.byteOffset) });
        return [writeAll(splitter, data, cuts, skips), skips];
      };
      t.deepEqual(run('slice'), run('copy'));
    }), { numRuns: 150 });
});

test('reports absolute byte offsets and indexes per line', (t) => {
  const splitter = new LineSplitter({ startOffset: 100 });
  const seen: Array<[string, number, number]> = [];
  const onLine = (line: string, offset: number, index: number): void => {
    seen.push([line, offset, index]);
  };
  splitter.write(Buffer.from('ab\r\nc'), onLine);
  splitter.write(Buffer.from('d\n\néé\n'), onLine);
  splitter.end(onLine);
  t.deepEqual(seen, [['ab', 100, 0], ['cd', 104, 1], ['', 107, 2], ['éé', 108, 3]]);
});

test('utf8 drops a BOM at byte 0, even split across chunks; latin1 keeps it', (t) => {
  const data = Buffer.from('\ufeffhello\nworld\n');
  t.deepEqual(splitInPieces(data, [1, 2]), ['hello', 'world']);
  t.deepEqual(splitInPieces(data, [], 'latin1'), [data.toString('latin1', 0, 8), 'world']);
  const mid = new LineSplitter({ startOffset: 10 });
  const lines: string[] = [];
  mid.write(data, (l) => lines.push(l));
  t.is(lines[0], '\ufeffhello', 'a BOM not at byte 0 is data');
});

test('overlong line: error names source, line number and byte offset', (t) => {
  const splitter = new LineSplitter({ maxLineBytes: 4, source: 'data.txt' });
  const lines: string[] = [];
  const err = t.throws(() => splitter.write(Buffer.from('abcd\r\nok\nabcde\n'), (l) => lines.push(l)), {
    instanceOf: LineTooLongError,
  });
  t.deepEqual(lines, ['abcd', 'ok']);
  t.is(err.lineNumber, 3);
  t.is(err.byteOffset, 9);
  t.regex(err.message, /data\.txt: line 3 \(byte offset 9\) is longer than maxLineBytes \(4 bytes\)/);
});

test('overlong line carried across chunks errors as soon as it passes the limit', (t) => {
  const splitter = new LineSplitter({ maxLineBytes: 10, source: 's', startOffset: 5 });
  splitter.write(Buffer.from('x\nabcdef'), () => {});
  const err = t.throws(() => splitter.write(Buffer.from('ghijkl'), () => {}), { instanceOf: LineTooLongError });
  t.is(err.lineNumber, null);
  t.is(err.byteOffset, 7);
  t.regex(err.message, /line number unknown: this range starts mid-file/);
});

test('skip mode drops overlong lines (whole or in pieces), counts them, keeps the rest', (t) => {
  fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
    const skipped: Array<number | null> = [];
    const splitter = new LineSplitter({ maxLineBytes: 5, onOverlong: 'skip', onSkip: (s) => skipped.push(s.lineNumber) });
    const data = Buffer.from('short\n0123456789abc\r\nok\r\n123456\nlast-too-long');
    const lines: string[] = [];
    const onLine = (l: string): void => {
      lines.push(l);
    };
    let s = 0;
    for (const cut of cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b)) {
      splitter.write(data.subarray(s, cut), onLine);
      s = cut;
    }
    splitter.write(data.subarray(s), onLine);
    splitter.end(onLine);
    t.deepEqual(lines, ['short', 'ok']);
    t.is(splitter.skipped, 3);
    t.deepEqual(skipped, [2, 4, 5]);
  }), { numRuns: 100 });
});

test('a CRLF line of exactly maxLineBytes is accepted even when the CR arrives alone', (t) => {
  const splitter = new LineSplitter({ maxLineBytes: 3 });
  const lines: string[] = [];
  for (const piece of ['ab', 'c\r', '\n']) splitter.write(Buffer.from(piece), (l) => lines.push(l));
  splitter.end((l) => lines.push(l));
  t.deepEqual(lines, ['abc']);
});

test('latin1 is byte-exact: NUL and invalid UTF-8 round-trip', (t) => {
  const data = Buffer.from([0, 0xff, 0xc3, 10, 0x80, 0xe2, 0x82, 13, 10, 0xfe]);
  const lines = splitInPieces(data, [2, 6], 'latin1');
  t.deepEqual(lines.map((l) => [...Buffer.from(l, 'latin1')]), [[0, 0xff, 0xc3], [0x80, 0xe2, 0x82], [0xfe]]);
  t.deepEqual(splitInPieces(data, [2, 6], 'utf8'), referenceLines(data, 'utf8'));
});

test('strings: slice decodes big runs in pieces: piece boundaries on empty, CRLF, multi-byte and piece-long lines', (t) => {
  // Lines of 0..40 KiB around the 32 KiB decode piece, so cuts land on every kind of boundary.
  const line = fc.tuple(fc.constantFrom(0, 1, 13, 200, 32 * 1024 - 1, 32 * 1024, 40 * 1024),
    fc.constantFrom('a', 'é', '€'), fc.boolean());
  fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 4 }),
    fc.constantFrom('utf8', 'latin1'), (specs, finalNewline, cuts, encoding) => {
      const enc = encoding as 'utf8' | 'latin1';
      const text = specs.map(([n, ch, crlf], i) => ch.repeat(n) + String(i) + (crlf ? '\r' : '')).join('\n') + (finalNewline ? '\n' : '');
      const data = Buffer.from(text, 'utf8');
      const splitter = new LineSplitter({ encoding: enc, strings: 'slice' });
      const got = splitBatchesAt(splitter, data, cuts);
      t.deepEqual(got, referenceLines(data, enc));
    }), { numRuns: 150 });
});

test('strings: slice keeps an empty line whose LF ends a decode piece', (t) => {
  for (const n of [32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1]) {
    for (const [tail, lines] of [['\n\n', ['']], ['\n\n\ny\n', ['', '', 'y']]] as const) {
      const splitter = new LineSplitter({ encoding: 'latin1', strings: 'slice' });
      const data = Buffer.from('x'.repeat(n) + tail);
      t.deepEqual([...splitter.split(data), ...splitter.finish()], ['x'.repeat(n), ...lines], `line of ${n}`);
    }
  }
});

test('keepCR (raw-line mode): latin1 lines are the bytes between LFs, for any chunking, copy and slice, write and split', (t) => {
  fc.assert(fc.property(textFile, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom('copy', 'slice'), fc.boolean(),
    (data, cuts, strings, batch) => {
      const raw = data.toString('latin1');
      const expected = raw === '' ? [] : raw.split('\n');
      if (raw.endsWith('\n')) expected.pop();
      const splitter = new LineSplitter({ encoding: 'latin1', keepCR: true, strings: strings as 'copy' });
      let got: string[];
      if (batch) got = splitBatchesAt(splitter, data, cuts);
      else {
        got = [];
        const onLine = (line: string): void => {
          got.push(line);
        };
        let s = 0;
        for (const cut of cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b)) {
          splitter.write(data.subarray(s, cut), onLine);
          s = cut;
        }
        splitter.write(data.subarray(s), onLine);
        splitter.end(onLine);
      }
      t.deepEqual(got, expected);
    }), { numRuns: 300 });
});
