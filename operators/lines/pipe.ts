// pipe(...steps): one stage out of many. Adjacent synchronous steps (map/filter/flatMap stages and plain
// functions) fuse into a single Transform, and splitLines fuses with the record stages right after it (and
// with a combine after those: its table takes each pair as it is made); the remaining streams are joined with Node's stream.compose,
// which is stream.pipeline underneath: an error anywhere destroys every stage (files get closed), and
// destroying the result destroys them all. Chunk types are checked step to step by the overloads.
import * as nodeStream from 'node:stream';
import type { Duplex, Readable } from 'node:stream';
import type { Source, Stage } from '../types.ts';
import { batchTransform, type ChunkFn } from './batch-transform.ts';
import { compileOps, type RecordOp } from './compile-ops.ts';
import { fuseLines, lineFeed } from './fuse-lines.ts';
import { isRecordSink, isRecordStage, RECORD_OPS, RECORD_SINK } from './record-stages.ts';
import { LINE_SPLITTER, type SplitLinesStage } from './split-lines.ts';

function isLineSplitter(step: unknown): step is SplitLinesStage {
  return typeof step === 'object' && step !== null && LINE_SPLITTER in step;
}

/**
 * A stream that may stand in a pipe: a typed Stage, or any Node Duplex (an untyped Transform, through2, a
 * stream-chain chain) whose chunk types the compiler does not know.
 */
export type StageLike<I, O> = Duplex & { readonly __stage?: (input: I) => O };

/**
 * A step: a stage, or a plain synchronous function over one whole chunk (a batch), like stream-chain's
 * function stages. Returning undefined or null (or an empty array) passes nothing on.
 */
export type Step<I, O> = StageLike<I, O> | ((chunk: I) => O | null | undefined);

type AnyStep = Readable | Duplex | ChunkFn;

/** What a step gives: a typed stage's or source's output, a chunk function's result, else `any` (untyped). */
export type StepOutput<S> =
  S extends { __streamTypeR(): infer O } ? O
    : S extends Duplex ? (S extends { readonly __stage?: (input: never) => infer O } ? (unknown extends O ? any : O) : any)
      : S extends Readable ? any
        : S extends (chunk: never) => infer R ? Exclude<R, null | undefined> : any;

/** What a step takes: a typed stage's input, a chunk function's parameter, else `any` (untyped). */
export type StepInput<S> =
  S extends { __streamTypeW(): infer I } ? I
    : S extends Duplex ? (S extends { readonly __stage?: (input: infer I) => unknown } ? (unknown extends I ? any : I) : any)
      : S extends (chunk: infer I) => unknown ? I : any;

/** pipe()'s result: a Source when the first step only reads (readChunks), else a Stage. */
export type Piped<S, Z> = S extends Duplex ? Stage<StepInput<S>, Z> : S extends Readable ? Source<Z> : Stage<StepInput<S>, Z>;

const compose = (nodeStream as unknown as { compose: (...streams: Array<Readable | Duplex>) => Duplex }).compose;

// One signature per length: the first step's type is captured whole (a source or a stage), each later
// step's input is checked against the output before it (NoInfer: types flow forwards only), so a mismatch
// is reported at the step that does not fit, never at the first one.
/**
 * One stage out of many: `pipe(s1, s2, ...)` is a Stage from s1's input to the last step's output; with a
 * Source first (readChunks), a Source. Adjacent map/filter/flatMap stages and plain chunk functions fuse
 * into one loop, splitLines fuses with the record stages after it, and the other streams are joined with
 * `stream.compose` (an error anywhere destroys them all). Mismatched neighbours do not compile. Up to 8 steps
 * (nest pipe() for more, or use pipeSteps()).
 *
 * @example
 * const upper = pipe(splitLines(), map((l: string) => l.toUpperCase()), joinLines());  // Stage<Buffer, Buffer>
 * await pipeline(readChunks('in.txt'), upper, process.stdout);
 */
export function pipe<S extends AnyStep>(s1: S): Piped<S, StepOutput<S>>;
export function pipe<S extends AnyStep, B = any>(s1: S, s2: Step<NoInfer<StepOutput<S>>, B>): Piped<S, B>;
export function pipe<S extends AnyStep, B = any, C = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>): Piped<S, C>;
export function pipe<S extends AnyStep, B = any, C = any, D = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>, s4: Step<NoInfer<C>, D>): Piped<S, D>;
export function pipe<S extends AnyStep, B = any, C = any, D = any, E = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>, s4: Step<NoInfer<C>, D>,
  s5: Step<NoInfer<D>, E>): Piped<S, E>;
export function pipe<S extends AnyStep, B = any, C = any, D = any, E = any, F = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>, s4: Step<NoInfer<C>, D>,
  s5: Step<NoInfer<D>, E>, s6: Step<NoInfer<E>, F>): Piped<S, F>;
export function pipe<S extends AnyStep, B = any, C = any, D = any, E = any, F = any, G = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>, s4: Step<NoInfer<C>, D>,
  s5: Step<NoInfer<D>, E>, s6: Step<NoInfer<E>, F>, s7: Step<NoInfer<F>, G>): Piped<S, G>;
export function pipe<S extends AnyStep, B = any, C = any, D = any, E = any, F = any, G = any, H = any>(
  s1: S, s2: Step<NoInfer<StepOutput<S>>, B>, s3: Step<NoInfer<B>, C>, s4: Step<NoInfer<C>, D>,
  s5: Step<NoInfer<D>, E>, s6: Step<NoInfer<E>, F>, s7: Step<NoInfer<F>, G>, s8: Step<NoInfer<G>, H>): Piped<S, H>;
export function pipe(...steps: AnyStep[]): Duplex | Readable {
  return pipeSteps(steps);
}

/**
 * pipe() over a list built at run time: the same fusion, no chunk type checking.
 *
 * @example
 * const stage = pipeSteps([splitLines(), ...userStages, joinLines()]);
 */
export function pipeSteps(steps: ReadonlyArray<Readable | Duplex | ((chunk: any) => unknown)>): Duplex | Readable {
  const streams = fuse([...steps]);
  if (streams.length === 0) throw new TypeError('pipe: give it at least one stage or function');
  return streams.length === 1 ? streams[0] : compose(...streams);
}

/** Replaces each run of adjacent synchronous steps by one Transform. */
function fuse(steps: AnyStep[]): Array<Readable | Duplex> {
  const out: Array<Readable | Duplex> = [];
  let run: Array<Duplex | ChunkFn> = [];
  const endRun = (): void => {
    if (run.length === 1 && typeof run[0] !== 'function') out.push(run[0]); // a lone stage stays as given
    else if (run.length > 0) out.push(batchTransform(compileRun(run)));
    run = [];
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (isLineSplitter(step) && isRecordStage(steps[i + 1])) {
      // splitLines + the record stages right after it: lines go straight into the fused loop.
      endRun();
      const ops: RecordOp[] = [];
      while (isRecordStage(steps[i + 1])) {
        const stage = steps[++i] as Duplex;
        ops.push(...(stage as unknown as { [RECORD_OPS]: RecordOp[] })[RECORD_OPS]);
        stage.destroy();
      }
      const sink = steps[i + 1];
      if (isRecordSink(sink)) {
        // …and into a stage that takes records one at a time (combine): its own loop, no batch between.
        i++;
        const fused = sink[RECORD_SINK](lineFeed(step, ops));
        (sink as unknown as Duplex).destroy(); // replaced by the fused stage; never written to
        fused.once('close', () => step.destroy());
        out.push(fused);
      } else out.push(fuseLines(step, ops));
    } else if (typeof step === 'function' || isRecordStage(step)) {
      run.push(step as Duplex | ChunkFn);
    } else if (step instanceof nodeStream.Stream) {
      endRun();
      out.push(step as Readable | Duplex);
    } else {
      throw new TypeError(`pipe: a step must be a stream or a function, got ${String(step)}`);
    }
  }
  endRun();
  return out;
}

/** Record ops next to each other become one loop; plain chunk functions are applied in order around them. */
function compileRun(run: Array<Duplex | ChunkFn>): ChunkFn {
  const fns: ChunkFn[] = [];
  let ops: RecordOp[] = [];
  for (const step of run) {
    if (typeof step === 'function') {
      if (ops.length > 0) fns.push(compileOps(ops) as ChunkFn);
      ops = [];
      fns.push(step);
    } else {
      ops.push(...(step as unknown as { [RECORD_OPS]: RecordOp[] })[RECORD_OPS]);
      step.destroy(); // replaced by the fused stage; never written to
    }
  }
  if (ops.length > 0) fns.push(compileOps(ops) as ChunkFn);
  if (fns.length === 1) return fns[0];
  return (chunk: unknown) => {
    let value = chunk;
    for (const fn of fns) {
      value = fn(value);
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return undefined;
    }
    return value;
  };
}
