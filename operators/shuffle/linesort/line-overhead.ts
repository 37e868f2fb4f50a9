// What the LineSorter holds per line besides its bytes (its budget counts it).
import { SCRATCH_PER_RANGE } from './bytesort.ts';

/**
 * Bytes held per line besides its bytes: start + length (8), and the sort's order, scratch, packed key and
 * lcp (20). Threaded, per arena: offsets, order and lcp (16), and per thread: scratch and key (12).
 */
export const LINE_OVERHEAD = 8 + SCRATCH_PER_RANGE;
