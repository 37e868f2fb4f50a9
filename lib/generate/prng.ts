// sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, 32-bit output), seeded by
// splitmix32. Pure 32-bit integer arithmetic (Math.imul, >>>, |0), so the stream of numbers is the same
// on every machine and every JavaScript engine. Hot loops copy a, b, c, d into locals and inline the step.

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
export function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Sfc32 {
  a: number;
  b: number;
  c: number;
  d: number;

  /** seed: any safe integer (its low and high 32 bits both count); stream: a sub-stream id, so one seed can feed independent generators. */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = splitmix32(lo ^ 0x6d727069);
    this.b = splitmix32(hi ^ this.a);
    this.c = splitmix32(stream ^ this.b);
    this.d = 1; // the counter
    for (let i = 0; i < 16; i++) this.next(); // warm up: decorrelate nearby seeds
  }

  /** Next uniform 32-bit unsigned integer. */
  next(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.next() * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, n) for n <= 2^32 (multiply-shift; bias below 2^-32 * n, irrelevant here). */
  below(n: number): number {
    return Math.floor(this.next() * 2.3283064365386963e-10 * n);
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }
}
