// pipe(...steps): one stage out of many. Adjacent synchronous steps (map/filter/flatMap stages and plain
// functions) fuse into a single Transform, and splitLines fuses with the record stages right after it; the remaining streams are joined with Node's stream.compose,
// which is stream.pipeline underneath: an error anywhere destroys every stage (files get closed), and
// destroying the result destroys them all. Chunk types are checked step to step by the overloads.
import * as nodeStream from 'node:stream';
import type { Duplex, Readable } from 'node:stream';
import type { Source, Stage } from '../types.ts';
import { batchTransform, type ChunkFn } from './batch-transform.ts';
import { compileOps, type RecordOp } from './compile-ops.ts';
import { fuseLines } from './fuse-lines.ts';
import { isRecordStage, RECORD_OPS } from './record-stages.ts';
import { LINE_SPLITTER, type SplitLinesStage } from './split-lines.ts';

function isLineSplitter(step: unknown): step is SplitLinesStage {
  return typeof step === 'object' && step !== null && LINE_SPLITTER in step;
}

/**
 * A step: a stage, or a plain synchronous function over one whole chunk (a batch), like stream-chain's
 * function stages. Returning undefined or null (or an empty array) passes nothing on.
 */
export type Step<I, O> = Stage<I, O> | ((chunk: I) => O | null | undefined);

type AnyStep = Readable | Duplex | ChunkFn;

/** A readable-only stream: a Duplex (a stage) must not match the Source overloads, or its types get lost. */
type SourceOnly<A> = Source<A> & { readonly writable?: never };

const compose = (nodeStream as unknown as { compose: (...streams: Array<Readable | Duplex>) => Duplex }).compose;

export function pipe<A, B>(s1: Step<A, B>): Stage<A, B>;
export function pipe<A, B, C>(s1: Step<A, B>, s2: Step<B, C>): Stage<A, C>;
export function pipe<A, B, C, D>(s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>): Stage<A, D>;
export function pipe<A, B, C, D, E>(s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>): Stage<A, E>;
export function pipe<A, B, C, D, E, F>(
  s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>): Stage<A, F>;
export function pipe<A, B, C, D, E, F, G>(
  s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>, s6: Step<F, G>): Stage<A, G>;
export function pipe<A, B, C, D, E, F, G, H>(
  s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>, s6: Step<F, G>,
  s7: Step<G, H>): Stage<A, H>;
export function pipe<A, B, C, D, E, F, G, H, I>(
  s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>, s6: Step<F, G>,
  s7: Step<G, H>, s8: Step<H, I>): Stage<A, I>;
export function pipe<A>(source: SourceOnly<A>): Source<A>;
export function pipe<A, B>(source: SourceOnly<A>, s1: Step<A, B>): Source<B>;
export function pipe<A, B, C>(source: SourceOnly<A>, s1: Step<A, B>, s2: Step<B, C>): Source<C>;
export function pipe<A, B, C, D>(source: SourceOnly<A>, s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>): Source<D>;
export function pipe<A, B, C, D, E>(
  source: Source<A>, s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>): Source<E>;
export function pipe<A, B, C, D, E, F>(
  source: Source<A>, s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>): Source<F>;
export function pipe<A, B, C, D, E, F, G>(
  source: Source<A>, s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>,
  s6: Step<F, G>): Source<G>;
export function pipe<A, B, C, D, E, F, G, H>(
  source: Source<A>, s1: Step<A, B>, s2: Step<B, C>, s3: Step<C, D>, s4: Step<D, E>, s5: Step<E, F>,
  s6: Step<F, G>, s7: Step<G, H>): Source<H>;
export function pipe(...steps: AnyStep[]): Duplex | Readable {
  return pipeSteps(steps);
}

/** pipe() over a list built at run time (no chunk type checking). */
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
      out.push(fuseLines(step, ops));
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
