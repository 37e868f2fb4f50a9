// Key order and partitioning, both the shuffle operators' definitions: keys order by the bytes of their
// UTF-8 encoding (compareUtf8, = LC_ALL=C sort); partitionOf is FNV-1a 32 over the key's bytes (latin1
// jobs: the chars as bytes) modulo n, fixed forever so every process and machine agrees.
export { compareUtf8 as compareKeys } from '../../operators/shuffle/sort/compare.ts';
export { partitionOf } from '../../operators/shuffle/keyed/hash.ts';
