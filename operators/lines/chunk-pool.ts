// Recycling readChunks' buffers without risk: a chunk is only recycled when the stage that consumed it
// says it is done with it (splitLines copies every line out of a chunk before its transform returns).
// Chunks that are never released (any other consumer) are simply left to the GC, so a consumer that keeps
// chunks can never see them overwritten.

const RELEASE = Symbol('mrpipe.releaseChunk');

type Releasable = Buffer & { [RELEASE]?: () => void };

/** A few spare buffers of one size. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  readonly size: number;
  private readonly keep: number;

  constructor(size: number, keep = 8) {
    this.size = size;
    this.keep = keep;
  }

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  give(buf: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buf);
  }
}

/** Lets the consumer of chunk hand its underlying buffer back to the pool. */
export function markReleasable(chunk: Buffer, release: () => void): Buffer {
  (chunk as Releasable)[RELEASE] = release;
  return chunk;
}

/** Called by a consumer that holds no reference into chunk any more (at most once per chunk). */
export function releaseChunk(chunk: Buffer): void {
  const release = (chunk as Releasable)[RELEASE];
  if (release !== undefined) {
    (chunk as Releasable)[RELEASE] = undefined;
    release();
  }
}
