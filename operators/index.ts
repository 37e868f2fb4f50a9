/// <reference types="node" preserve="true" />
// mrpipe/operators: the stream stages, each usable alone in any pipeline, and the types to write them.
// Explicit names only: what is not listed here is internal (the sync cores, run files, merge planners) and
// may change; lib/ and the tests import those from their own modules.

// Chunk types shared by every stage.
export type { Stage, Source, Sink, Pair, Progress } from './types.ts';

// Lines: bytes in, line batches through record functions, bytes out.
export { readChunks, type ReadChunksOptions } from './lines/read-chunks.ts';
export { planRanges, type ByteRange, type PlanRangesOptions } from './lines/plan-ranges.ts';
export { splitLines, type SplitLinesOptions, type SplitLinesStage } from './lines/split-lines.ts';
export type { LineEncoding } from './lines/line-splitter.ts';
export { joinLines, type JoinLinesOptions } from './lines/join-lines.ts';
export { map, filter, flatMap, type RecordStage } from './lines/record-stages.ts';
export { mapAsync, type MapAsyncOptions } from './lines/map-async.ts';
export { pipe, pipeSteps, type Step, type StageLike } from './lines/pipe.ts';

// Records at the edges: one record per chunk (stream-json, highland, object mode) ⇄ batches.
export { batch, unbatch, type BatchOptions } from './records/batch.ts';

// Keyed stages: [key, value] pairs, typed by their values.
export {
  combine, reduce, aggregate,
  type CombineOptions, type ReduceOptions, type AggregateOptions, type Fold, type Combiner,
  type CombineFunction, type ReduceFunction, type AggregateFunction, type PairStage,
} from './records/keyed.ts';
export { partition, partitionStreams, type PartitionOptions, type PartitionedBatch } from './shuffle/keyed/partition.ts';
export { externalSort, type ExternalSortOptions } from './shuffle/sort/externalsort.ts';
export type { SortOptions } from './shuffle/sort/order.ts';
export type { KeyDef } from './shuffle/keys/gnukeys.ts';
export type { Codec } from './shuffle/runs/codec.ts';

// Byte-level specialists: sort lines and count words with no string per line or word.
export { sortLines, type SortLinesOptions } from './shuffle/linesort/sortlines.ts';
export {
  countWords, wordCountLines, type CountWordsOptions, type WordCountLinesOptions, type WordCountBatch,
} from './shuffle/words/countwords.ts';

// Errors a caller may want to tell apart.
export { InputError } from '../plumbing/open-input.ts';
export { LineTooLongError } from './lines/line-too-long-error.ts';
export { DiskFullError, CorruptRunError } from './shuffle/runs/errors.ts';

// Opt-in, process-wide: keep V8's young generation small in a program that composes the stages.
export { capYoungGeneration, type CapYoungGenerationOptions } from './young-generation.ts';
