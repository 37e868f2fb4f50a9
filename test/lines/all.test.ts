// The line stages: readChunks, splitLines, the record stages, pipe, and their interop.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './fuse-lines.ts';
import './interop.ts';
import './line-splitter.ts';
import './map-async.ts';
import './pipe-types.ts';
import './pipe.ts';
import './plan-ranges.ts';
import './read-chunks.ts';
import './record-stages.ts';
import './wc-oracle.ts';
