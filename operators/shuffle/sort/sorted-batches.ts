// Batches known to be sorted. combine hands each spill downstream as batches tagged with a token of that
// spill (a small object: a sorter keeps the tag of the sequence it writes while the next spill fills), and
// partition keeps the tag on each piece it cuts (a subsequence of a sorted sequence is sorted). A sorter
// that sees consecutive batches with one tag may write them straight to a run file (Sorter.pushSorted):
// no record is held, sorted or merged again — as the runtime's collector writes its spills. The tag
// lives in a WeakMap keyed by the batch array itself, so any stage that builds a new array drops it. combine
// also tags its batches with their keys' partition hashes, which its table had at hand, for partition to read.

const tags = new WeakMap<object, object>();

/**
 * Tags `batch` as the next piece of the sorted sequence `run` (records ascending by key in UTF-8 byte order,
 * each piece starting at or after where the previous one ended). Returns the batch.
 */
export function tagSorted<B extends object>(batch: B, run: object): B {
  tags.set(batch, run);
  return batch;
}

/** The sorted sequence `batch` is a piece of, if it was tagged. */
export function sortedRunOf(batch: object): object | undefined {
  return tags.get(batch);
}

const keyHashes = new WeakMap<object, Uint32Array>();

/**
 * Tags a batch of [key, value] pairs with each key's partition hash (fnv1a(key): FNV-1a 32 of its UTF-8
 * bytes), which the stage that made the batch had at hand (combine's table): partition then reads them
 * instead of hashing every key again. Returns the batch.
 */
export function tagKeyHashes<B extends object>(batch: B, hashes: Uint32Array): B {
  keyHashes.set(batch, hashes);
  return batch;
}

/** The keys' hashes `batch` was tagged with, if any (hashes[i] is fnv1a of batch[i]'s key). */
export function keyHashesOf(batch: object): Uint32Array | undefined {
  return keyHashes.get(batch);
}
