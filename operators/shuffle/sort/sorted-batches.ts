// Batches known to be sorted. combine hands each spill downstream as batches tagged with a token of that
// spill (a small object: a sorter keeps the tag of the sequence it writes while the next spill fills), and
// partition keeps the tag on each piece it cuts (a subsequence of a sorted sequence is sorted). A sorter
// that sees consecutive batches with one tag may write them straight to a run file (Sorter.pushSorted):
// no record is held, sorted or merged again — as the runtime's collector writes its spills. The tag
// lives in a WeakMap keyed by the batch array itself, so any stage that builds a new array drops it.

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
