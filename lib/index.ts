// mrpipe runtime: jobs, the local runner and the dataset generator. Stream stages live in mrpipe/operators.
export const VERSION = '0.1.0';
export * from './job/index.ts';
