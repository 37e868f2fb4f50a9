// Line operators: readChunks, splitLines, joinLines, the fused record stages and pipe().
export { readChunks, DEFAULT_CHUNK_SIZE, type ReadChunksOptions } from './read-chunks.ts';
export { planRanges, DEFAULT_SPLIT_SIZE, type ByteRange, type PlanRangesOptions } from './plan-ranges.ts';
export { InputError } from '../../plumbing/open-input.ts';
export {
  LineSplitter, DEFAULT_MAX_LINE_BYTES,
  type LineEncoding, type LineSplitterOptions, type LineCallback, type SkippedLine,
} from './line-splitter.ts';
export { LineTooLongError } from './line-too-long-error.ts';
export { splitLines, LINE_SPLITTER, type SplitLinesOptions, type SplitLinesStage } from './split-lines.ts';
export { joinLines, type JoinLinesOptions } from './join-lines.ts';
export { map, filter, flatMap, isRecordStage, RECORD_OPS, type RecordStage } from './record-stages.ts';
export { pipe, pipeSteps, type Step } from './pipe.ts';
export { mapAsync, type MapAsyncOptions } from './map-async.ts';
export { fileChunks, type FileChunksOptions } from './file-chunks.ts';
