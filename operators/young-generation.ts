// The one process-wide setting a composed pipeline may want, made only when its program asks for it.
// V8 doubles its young generation each time the bytes that survived scavenges since the last doubling add
// up to its size, and does not shrink it while the program is busy. A pipeline that holds a table or a sort
// buffer keeps objects alive across scavenges all run long, so on a long input the young generation reaches
// V8's maximum (2 × 64 MiB of semi-space on a large machine), whatever the stages allocate: RSS that no
// stage can give back (docs/SHUFFLE.md, Memory). V8 reads its maximum only at start-up
// (`node --max-semi-space-size`), but the growth factor at each doubling, so a running program can stop it.
import v8 from 'node:v8';

/**
 * Opt-in: keep V8's young generation at the size it has now — semi-spaces of 1–2 MiB at start-up — instead
 * of letting it double up to V8's maximum (2 × 64 MiB on a machine with 16 GB or more), which a pipeline
 * holding a table or a sort buffer reaches on any long input. About the bound of
 * `node --max-semi-space-size=2`, set from code, as the `mrpipe` CLI sets it at start-up. It sets V8's
 * `--semi-space-growth-factor` to 1: process-wide and lasting, so mrpipe never does it unless called. Call
 * it first: a young generation that has grown stays the size it is. With it, a composed program peaks
 * within the fixed overhead docs/SHUFFLE.md (Memory) states; bench/cases/pipeline.ts measures the job both
 * ways.
 *
 * @example
 * capYoungGeneration(); // first, before any pipeline runs
 * await pipeline(readChunks('big.txt'), pipe(splitLines(), flatMap(words), combine('sum')), toPartitions);
 */
export function capYoungGeneration(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
