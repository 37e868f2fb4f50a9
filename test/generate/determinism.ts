import test from 'ava';
import { KINDS } from '../../lib/generate/index.ts';
import { collect, sha256 } from './helpers.ts';

// Pinned hashes of 64 KiB at seed 1: any change to a generator's output (or a machine that computes it
// differently) fails here. Update only on purpose, and say so in docs/GENERATOR.md.
const GOLDEN: Record<string, string> = {
  text: '4d45f5d574ae78bc44a321ad1c97f7ccbe0bd27cc970f355a9d75f5701a4f9f8',
  logs: '705ed564f1c21841c575e7932cf6fb64f439129c5bcf78685632c8bb32e9951f',
  activity: '17f09497f323bdd0b042b27e139a6ff4b5e0f3a0b98ad3e7f778f8d49a5df498',
};

for (const kind of KINDS) {
  test(`${kind}: same seed gives the same bytes, another seed different bytes`, async (t) => {
    const a = await collect(kind, { size: 300_000, seed: 42 });
    const b = await collect(kind, { size: 300_000, seed: 42, chunkSize: 70_000 });
    const c = await collect(kind, { size: 300_000, seed: 43 });
    t.is(sha256(a), sha256(b), 'chunk size must not change the bytes');
    t.not(sha256(a), sha256(c));
  });

  test(`${kind}: matches the pinned hash for seed 1`, async (t) => {
    t.is(sha256(await collect(kind, { size: 65_536, seed: 1 })), GOLDEN[kind]);
  });
}
