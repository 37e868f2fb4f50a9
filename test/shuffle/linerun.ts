// Front-coded line runs (linerun.ts) and the lcp that sortRanges finds on the way: lines with long shared
// prefixes, repeats, empty lines and lines longer than the I/O buffer round-trip with their lcp; a frame
// that claims more shared bytes than the line before has is a corrupt run, named with its byte offset.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { CorruptRunError, LineRunReader, LineRunWriter, commonPrefix, sortRanges, sortScratch } from '../../operators/shuffle/index.ts';
import { rng, tempDir } from './helpers.ts';

/** Lines like sorted real text: a few shared heads (indentation, `#include <`), short tails, repeats. */
const realLine = fc.tuple(
  fc.constantFrom('', '        ', '    return ', '#include <', ' * ', '/* { dg-do compile } */', 'x'.repeat(70)),
  fc.array(fc.constantFrom(0, 0x20, 0x61, 0x62, 0x7a, 0x80, 0xff), { maxLength: 8 }),
).map(([head, tail]) => Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(tail)]));

test('sortRanges gives each line its common prefix with the line before (property)', (t) => {
  fc.assert(
    fc.property(fc.array(realLine, { maxLength: 400 }), (lines) => {
      const data = Buffer.concat(lines);
      const starts = new Uint32Array(lines.length);
      const lens = new Uint32Array(lines.length);
      let p = 0;
      lines.forEach((l, i) => {
        starts[i] = p;
        lens[i] = l.length;
        p += l.length;
      });
      const scratch = sortScratch(lines.length);
      const order = sortRanges(data, starts, lens, lines.length, scratch);
      for (let i = 1; i < order.length; i++) {
        const a = order[i - 1];
        const b = order[i];
        if (Buffer.compare(data.subarray(starts[a], starts[a] + lens[a]), data.subarray(starts[b], starts[b] + lens[b])) > 0) return false;
        if (scratch.lcp[i] !== commonPrefix(data, starts[a], starts[a] + lens[a], data, starts[b], starts[b] + lens[b])) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('groups past the radix pass size (32768 lines): order and lcp, repeated and empty lines among them', (t) => {
  const rand = rng(7);
  const heads = ['', '', '        ', '        ', '                return', '#include <', ' * ', 'a'];
  const lines = Array.from({ length: 120_000 }, () => {
    const head = heads[Math.floor(rand() * heads.length)];
    const tail = Array.from({ length: Math.floor(rand() * 4) }, () => String.fromCharCode(rand() < 0.1 ? 0 : 0x61 + Math.floor(rand() * 3)));
    return Buffer.from(head + tail.join(''), 'latin1');
  });
  const data = Buffer.concat(lines);
  const starts = new Uint32Array(lines.length);
  const lens = new Uint32Array(lines.length);
  let p = 0;
  lines.forEach((l, i) => {
    starts[i] = p;
    lens[i] = l.length;
    p += l.length;
  });
  const scratch = sortScratch(lines.length);
  const order = sortRanges(data, starts, lens, lines.length, scratch);
  const want = lines.slice().sort(Buffer.compare);
  let bad = 0;
  for (let i = 0; i < order.length; i++) {
    const got = data.subarray(starts[order[i]], starts[order[i]] + lens[order[i]]);
    if (!got.equals(want[i])) bad++;
    if (i > 0 && scratch.lcp[i] !== commonPrefix(want[i - 1], 0, want[i - 1].length, want[i], 0, want[i].length)) bad++;
  }
  t.is(bad, 0);
});

test('a run round-trips lines and their lcp, lines longer than the buffer included (property)', (t) => {
  const dir = tempDir();
  try {
    const long = fc.integer({ min: 1, max: 3000 }).map((n) => Buffer.alloc(n, 0x71));
    fc.assert(
      fc.property(fc.array(fc.oneof(realLine, long), { maxLength: 200 }), fc.integer({ min: 16, max: 512 }), (lines, io) => {
        const sorted = lines.slice().sort(Buffer.compare);
        const file = path.join(dir, 'run');
        fs.rmSync(file, { force: true });
        const w = new LineRunWriter(file, io);
        let prev = Buffer.alloc(0);
        for (const l of sorted) {
          w.write(l, 0, l.length, commonPrefix(prev, 0, prev.length, l, 0, l.length));
          prev = l;
        }
        w.close();
        const r = new LineRunReader(file, io);
        prev = Buffer.alloc(0);
        for (const l of sorted) {
          if (!r.advance()) return false;
          const got = r.buf.subarray(r.start, r.end);
          if (!got.equals(l) || r.lcp !== commonPrefix(prev, 0, prev.length, l, 0, l.length)) return false;
          prev = l;
        }
        return !r.advance();
      }),
      { numRuns: 200 },
    );
    t.pass();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a frame sharing more bytes than the line before has is a corrupt run, named with its offset', (t) => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'run');
    // "abc" (lcp 0, 3 bytes), then a frame claiming 9 shared bytes at byte 5
    fs.writeFileSync(file, Buffer.from([0, 3, 0x61, 0x62, 0x63, 9, 1, 0x64]));
    const r = new LineRunReader(file, 64);
    t.true(r.advance());
    const err = t.throws(() => r.advance());
    t.true(err instanceof CorruptRunError);
    t.regex(err.message, /run.* at byte 5/);
    fs.writeFileSync(file, Buffer.from([0, 3, 0x61, 0x62]));
    const cut = new LineRunReader(file, 64);
    t.regex(t.throws(() => cut.advance()).message, /cut short/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
