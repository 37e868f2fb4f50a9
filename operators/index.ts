// mrpipe/operators: the stream stages, each usable alone in any pipeline.
export type * from './types.ts';
export * from './lines/index.ts';
export * from './shuffle/index.ts';
