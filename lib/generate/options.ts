// Options shared by every kind, their defaults and validation, and the kind → LineSource factory.
import { parseSize } from '../../plumbing/sizes.ts';
import { ACTIVITY_DEFAULT_USERS, ActivitySource } from './activity.ts';
import type { LineSource } from './line-source.ts';
import { LogsSource } from './logs.ts';
import { resolveTextOptions, textSource } from './text.ts';

/** The kinds of test data generate() makes: text (Zipf words), logs (Combined Log Format), activity (JSONL events). */
export const KINDS = ['text', 'logs', 'activity'] as const;
/** One of KINDS: 'text', 'logs' or 'activity'. */
export type GenerateKind = (typeof KINDS)[number];

/** Options of generate(): the size (bytes or '100MB'), the seed, and per-kind knobs (docs/GENERATOR.md). */
export interface GenerateOptions {
  /** Output bytes: a number or a size string ('100MB', '1.5GB', '64KiB'). Output stops at the last whole line that fits. */
  size: number | string;
  /** Any safe integer. Default 1. Same kind + options + seed → same bytes. */
  seed?: number;
  /** Bytes per emitted chunk / write. Default 1 MiB. */
  chunkSize?: number;
  /** text: distinct words. Default 200,000; above 2,000,000 high-cardinality mode is on by default. */
  vocabulary?: number;
  /** text: Zipf exponent. Default 1 (0.8 in high-cardinality mode). */
  zipf?: number;
  /** text: spell words from their rank instead of a precomputed table (tens of millions of distinct words; vocabulary then defaults to 50 M). */
  highCardinality?: boolean;
  /** logs: share of malformed lines, 0..1. Default 0. */
  malformed?: number;
  /** activity: distinct users. Default 100,000. */
  users?: number;
}

/** The seed generate() uses when none is given: the same seed and size give the same bytes. */
export const DEFAULT_SEED = 1;
export const DEFAULT_CHUNK_SIZE = 1 << 20;

export function isKind(kind: string): kind is GenerateKind {
  return (KINDS as readonly string[]).includes(kind);
}

/** The one size grammar (plumbing/sizes.ts): a byte count or '100MB', '1.5GB', '64KiB', '50%'. */
export { parseSize };

export function lineSource(kind: GenerateKind | string, opts: GenerateOptions): LineSource {
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  switch (kind) {
    case 'text': return textSource(resolveTextOptions({ seed, vocabulary: opts.vocabulary, zipf: opts.zipf, highCardinality: opts.highCardinality }));
    case 'logs': return new LogsSource({ seed, malformed: opts.malformed ?? 0 });
    case 'activity': return new ActivitySource({ seed, users: opts.users ?? ACTIVITY_DEFAULT_USERS });
    default: throw new RangeError(`unknown kind ${JSON.stringify(kind)}: expected one of ${KINDS.join(', ')}`);
  }
}
