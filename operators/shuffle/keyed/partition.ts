// partition: route [key, value] pairs to n partitions by partitionOf(key) (FNV-1a of the key bytes).
// Two forms: partition() is one stage emitting tagged batches {partition, pairs} (keeps pipeline shape);
// partitionStreams() gives a writable input and n readable outputs (backpressure: the input waits while
// any output is full).
import { Readable, Transform, Writable } from 'node:stream';
import type { Pair, Stage } from '../../types.ts';
import type { StringEncoding } from '../runs/codec.ts';
import { partitionOf } from './hash.ts';
import { checkKey } from './checks.ts';
import { keyHashesOf, sortedRunOf, tagSorted } from '../sort/sorted-batches.ts';

/** Options of partition: a custom hash, or the encoding of keys for the default one. */
export interface PartitionOptions {
  /** Custom hash: key → partition index in [0, n). Default partitionOf(key, n, encoding). */
  hash?: (key: string, n: number) => number;
  /** How keys are held, for the default hash: 'utf8' (default) or 'latin1' byte strings. */
  encoding?: StringEncoding;
}

/** What partition passes on: the pairs of one input batch bound for one partition. */
export interface PartitionedBatch<V> {
  partition: number;
  pairs: Pair<V>[];
}

/** Routes keys to partitions; `hashed`: the default hash over UTF-8, which a batch's key hashes (sorted-batches.ts) may stand for. */
type Router = ((key: string) => number) & { hashed: boolean };

function router(n: number, o: PartitionOptions): Router {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`mrpipe: partition count must be a positive integer, got ${n}`);
  const enc = o.encoding ?? 'utf8';
  const h = o.hash;
  const route = (k: string): number => {
    if (typeof k !== 'string') checkKey(k, 'partition');
    return h ? h(k, n) : partitionOf(k, n, enc);
  };
  return Object.assign(route, { hashed: !h && enc === 'utf8' });
}

function split<V>(batch: Pair<V>[], n: number, route: Router): Pair<V>[][] {
  const parts: Pair<V>[][] = Array.from({ length: n }, () => []);
  // combine's spills come with their keys' hashes (partitionOf's, before the modulo): no key is hashed again.
  const hashes = route.hashed ? keyHashesOf(batch) : undefined;
  if (hashes !== undefined) {
    for (let j = 0; j < batch.length; j++) parts[hashes[j] % n].push(batch[j]);
  } else {
    for (const p of batch) {
      const i = route(p[0]);
      if (!(i >= 0 && i < n)) throw new RangeError(`mrpipe: hash of key ${JSON.stringify(p[0])} gave partition ${i}, not in [0, ${n})`);
      parts[i].push(p);
    }
  }
  // Each piece of a sorted batch is sorted, and goes on the same sorted sequence (sorted-batches.ts).
  const run = sortedRunOf(batch);
  if (run) for (const part of parts) tagSorted(part, run);
  return parts;
}

/**
 * Route [key, value] pairs to n partitions by a hash of the key (FNV-1a of its bytes, the runtime's
 * partitioner): each input batch becomes up to n tagged batches `{partition, pairs}` (empty ones skipped).
 *
 * @param n partitions (a positive integer).
 * @param options `hash` ((key, n) => index in [0, n)), `encoding` of keys for the default hash ('utf8').
 * @example
 * pipe(splitLines(), map((l: string): Pair<number> => [l, 1]), partition(4))
 */
export function partition<V>(n: number, options: PartitionOptions = {}): Stage<Pair<V>[], PartitionedBatch<V>> {
  const route = router(n, options);
  return new Transform({
    objectMode: true,
    highWaterMark: 2,
    transform(batch: Pair<V>[], _enc, cb) {
      try {
        const parts = split(batch, n, route);
        for (let i = 0; i < n; i++) if (parts[i].length > 0) this.push({ partition: i, pairs: parts[i] });
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  }) as unknown as Stage<Pair<V>[], PartitionedBatch<V>>;
}

/**
 * partition() as n streams: one Writable of pair batches in, n Readables of pair batches out (the input
 * waits while any output is full).
 *
 * @example
 * const { input, outputs } = partitionStreams<number>(2);
 * outputs.forEach((out, i) => pipeline(out, externalSort(), reduce('sum'), sinkFor(i)));
 */
export function partitionStreams<V>(n: number, options: PartitionOptions = {}): { input: Writable; outputs: Readable[] } {
  const route = router(n, options);
  let waiting: (() => void) | undefined;
  const outputs = Array.from({ length: n }, () => new Readable({
    objectMode: true,
    highWaterMark: 2,
    read() {
      const w = waiting;
      waiting = undefined;
      w?.();
    },
  }));
  const input = new Writable({
    objectMode: true,
    highWaterMark: 2,
    write(batch: Pair<V>[], _enc, cb) {
      let parts: Pair<V>[][];
      try {
        parts = split(batch, n, route);
      } catch (err) {
        cb(err as Error);
        return;
      }
      let full = false;
      for (let i = 0; i < n; i++) if (parts[i].length > 0 && !outputs[i].push(parts[i])) full = true;
      if (full) waiting = () => cb();
      else cb();
    },
    final(cb) {
      for (const o of outputs) o.push(null);
      cb();
    },
    destroy(err, cb) {
      for (const o of outputs) o.destroy(err ?? undefined);
      cb(err);
    },
  });
  return { input, outputs };
}
