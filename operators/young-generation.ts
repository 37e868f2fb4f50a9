// The one process-wide setting a composed pipeline may want, made only when its program asks for it.
// V8 doubles its young generation each time the bytes that survived scavenges since the last doubling add
// up to its size, and does not shrink it while the program is busy. A pipeline that holds a table or a sort
// buffer keeps objects alive across scavenges all run long, so on a long input the young generation reaches
// V8's maximum (2 × 64 MiB of semi-space on a large machine), whatever the stages allocate: RSS that no
// stage can give back (docs/SHUFFLE.md, Memory). V8 reads its maximum only at start-up
// (`node --max-semi-space-size`), but the growth factor at each doubling, so a running program can stop it.
// Given the program's budget, it first lets the young generation grow to a share of it, as the runtime sizes
// its workers' young generation from theirs (lib/runtime/budget.ts): fewer scavenges of the short-lived
// objects a composed pipeline makes per record (its map's pairs), at a bounded size.
import v8 from 'node:v8';
import { memoryOption } from './check-options.ts';
import { collectGarbage, collectYoungGarbage } from './shuffle/gc.ts';

const MiB = 2 ** 20;

/** Options of capYoungGeneration. */
export interface CapYoungGenerationOptions {
  /**
   * The bytes the program gives its stages. The young generation first grows to a quarter of it (semi-spaces
   * of memory / 8, between the start-up size and 8 MiB each), then stays there. Default: it stays the size it is.
   */
  memory?: number;
}

/**
 * Opt-in: keep V8's young generation at a bounded size instead of letting it double up to V8's maximum
 * (2 × 64 MiB on a machine with 16 GB or more), which a pipeline holding a table or a sort buffer reaches on
 * any long input. Without options it stays the size it has now — semi-spaces of 1–2 MiB at start-up, about
 * the bound of `node --max-semi-space-size=2`, as the `mrpipe` CLI sets it at start-up. With `memory` (the
 * budget the program gives its stages) it first grows to memory / 4 (semi-spaces of memory / 8, at most
 * 8 MiB each): fewer scavenges of the pairs a map makes per record (bench/cases/pipeline.ts), as the runtime
 * sizes its workers' young generation from their budget. It sets V8's `--semi-space-growth-factor` to 1:
 * process-wide and lasting, so mrpipe never does it unless called. Call it first: a young generation that
 * has grown stays the size it is. With it, a composed program peaks within the fixed overhead
 * docs/SHUFFLE.md (Memory) states.
 *
 * @param options `memory` (bytes the program's stages hold; default: keep the present size).
 * @example
 * capYoungGeneration({ memory: 64 * 2 ** 20 }); // first, before any pipeline runs
 * await pipeline(readChunks('big.txt'), pipe(splitLines(), flatMap(words), combine('sum')), toPartitions);
 */
export function capYoungGeneration(options: CapYoungGenerationOptions = {}): void {
  if (options.memory !== undefined) {
    const semi = Math.min(8 * MiB, memoryOption(options.memory, 'capYoungGeneration') / 8);
    growYoungGeneration(2 * semi);
  }
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

function newSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * V8 doubles the young generation when the bytes that survived scavenges since it last grew add up to its
 * size: keep about a quarter of it alive across each of a few scavenges until it holds `bytes` (one doubling
 * a round, a few ms in all), then drop it. Never shrinks it.
 */
function growYoungGeneration(bytes: number): void {
  surviveScavenges(bytes);
  // What was kept went to the old space by now: a full GC while the heap is small frees it.
  collectGarbage();
}

/** The rounds of growYoungGeneration; what they keep is garbage once it returns. */
function surviveScavenges(bytes: number): void {
  const kept: number[][] = [];
  for (let round = 0; round < 8 && newSpaceBytes() < bytes; round++) {
    // A two-number array is ~64 bytes with its backing store.
    const n = newSpaceBytes() / 256;
    for (let i = 0; i < n; i++) kept.push([i, i]);
    if (!collectYoungGarbage()) return;
  }
}
