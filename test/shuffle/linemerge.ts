// LineMerge (the loser tree over byte lines, keyed by 6-byte prefixes held as numbers): any number of
// sorted sources merge into Buffer.compare order (descending with reverse), equal lines come from the
// earlier source first — lines sharing long prefixes, empty lines, NUL and bytes ≥ 0x80 included.
import test from 'ava';
import fc from 'fast-check';
import { LineMerge, type LineCursor } from '../../operators/shuffle/linesort/linerun.ts';

/** A cursor over lines packed into one buffer, each tagged with its source. */
class ArrayCursor implements LineCursor {
  buf: Buffer;
  start = 0;
  end = 0;
  private readonly bounds: number[] = [];
  private i = -1;
  constructor(lines: Buffer[]) {
    this.buf = Buffer.concat(lines);
    let at = 0;
    for (const l of lines) this.bounds.push(at, (at += l.length));
  }
  advance(): boolean {
    if (++this.i >= this.bounds.length / 2) return false;
    this.start = this.bounds[2 * this.i];
    this.end = this.bounds[2 * this.i + 1];
    return true;
  }
  close(): void {
    this.i = this.bounds.length;
  }
}

// Few distinct bytes and a long shared head make equal 6-byte prefixes (the full-compare path) common.
const byte = fc.constantFrom(0, 1, 0x61, 0x7f, 0x80, 0xff);
const line = fc.tuple(fc.boolean(), fc.array(byte, { maxLength: 14 }))
  .map(([shared, tail]) => Buffer.from([...(shared ? Array<number>(9).fill(0x61) : []), ...tail]));

test('merges any sources into Buffer.compare order; ties go to the earlier source (property)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(line, { maxLength: 40 }), { maxLength: 20 }), fc.boolean(), (sources, reverse) => {
      const cmp = (a: Buffer, b: Buffer): number => (reverse ? Buffer.compare(b, a) : Buffer.compare(a, b));
      const sorted = sources.map((s) => [...s].sort(cmp));
      const cursors = sorted.map((s) => new ArrayCursor(s));
      const m = new LineMerge(cursors, reverse);
      const out: Buffer[] = [];
      const from: number[] = [];
      while (m.advance()) {
        out.push(Buffer.from(m.buf.subarray(m.start, m.end)));
        from.push(cursors.findIndex((c) => c.buf === m.buf && c.start === m.start));
      }
      const want = sorted.flat().sort(cmp);
      t.is(out.length, want.length);
      for (let i = 0; i < want.length; i++) if (!out[i].equals(want[i])) return false;
      for (let i = 1; i < out.length; i++) if (out[i].equals(out[i - 1]) && from[i] < from[i - 1]) return false;
      return !m.advance();
    }),
    { numRuns: 300 },
  );
});
