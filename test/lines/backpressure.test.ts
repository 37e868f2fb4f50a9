// A slow consumer over a 200 MB input generated on the fly: backpressure holds, so the producer never runs
// far ahead and heap/RSS stay flat. Memory is asserted with generous headroom; nothing here is timed.
import test from 'ava';
import { Readable, Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pipeline } from 'node:stream/promises';
import { map, pipe, readChunks, splitLines } from '../../operators/lines/index.ts';

const MiB = 1024 * 1024;

// A full GC before each sample, so the figures are live memory rather than garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test('slow consumer over 200 MB: producer stays close, heap and RSS stay flat', async (t) => {
  const block = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `w${i} lorem ipsum dolor ${i % 97}`).join('\n') + '\n');
  const total = 200 * MiB;
  let produced = 0;
  let consumed = 0;
  let maxAhead = 0;
  async function* generate(): AsyncGenerator<Buffer> {
    while (produced < total) {
      produced += block.length;
      yield block;
    }
  }
  gc();
  const base = process.memoryUsage();
  let peakHeap = 0;
  let peakRss = 0;
  let firstHalfRss = 0;
  let batches = 0;
  const slow = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(lengths: number[], _enc, cb) {
      for (const n of lengths) consumed += n + 1;
      maxAhead = Math.max(maxAhead, produced - consumed);
      if (++batches % 32 === 0) {
        gc();
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
        peakRss = Math.max(peakRss, m.rss - base.rss);
        if (produced <= total / 2) firstHalfRss = peakRss;
        setTimeout(cb, 1); // the slow part
      } else {
        setImmediate(cb);
      }
    },
  });
  await pipeline(pipe(readChunks(Readable.from(generate(), { objectMode: true, highWaterMark: 1 })), splitLines(),
    map((l: string) => l.length)), slow);
  t.is(consumed, produced);
  t.log(`max ahead ${(maxAhead / MiB).toFixed(1)} MiB, peak heap +${(peakHeap / MiB).toFixed(0)} MiB, ` +
    `peak RSS +${(peakRss / MiB).toFixed(0)} MiB (first half +${(firstHalfRss / MiB).toFixed(0)}) over ${total / MiB} MiB`);
  t.true(maxAhead < 16 * MiB, 'the producer never runs far ahead of the consumer');
  t.true(peakHeap < 48 * MiB, 'heap stays flat');
  t.true(peakRss < 160 * MiB, 'RSS stays well under the input size');
  t.true(peakRss < firstHalfRss + 48 * MiB, 'RSS does not keep growing in the second half');
});
