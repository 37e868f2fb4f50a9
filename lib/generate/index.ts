// The dataset generator: deterministic, size-exact, fast test data (text, logs, activity). See docs/GENERATOR.md.

/** Bumped whenever any kind's bytes change for a given seed (benchmark inputs are cached under it). */
export const GENERATOR_VERSION = 2;
export { generate, generateToFile, generateToStream, isBrokenPipe, GenerateStream } from './stream.ts';
export type { GenerateProgress, GenerateResult, StreamResult, WriteOptions } from './stream.ts';
export { KINDS, isKind, parseSize, lineSource, DEFAULT_SEED, DEFAULT_CHUNK_SIZE } from './options.ts';
export type { GenerateKind, GenerateOptions } from './options.ts';
export { LineProducer } from './line-source.ts';
export type { LineSource } from './line-source.ts';
export { Sfc32, splitmix32 } from './prng.ts';
export { STATUS_MIX, LINES_PER_DAY } from './logs.ts';
export { SESSION_MAX_GAP_MS, SESSION_MIN_IDLE_MS, EVENTS } from './activity.ts';
export { TEXT_DEFAULT_VOCABULARY, HIGH_CARDINALITY_THRESHOLD, HIGH_CARDINALITY_VOCABULARY, MAX_WORDS_PER_LINE } from './text.ts';
