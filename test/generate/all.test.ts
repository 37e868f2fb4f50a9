// The test-data generators: each kind, sizes, streams and determinism.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './activity.ts';
import './determinism.ts';
import './logs.ts';
import './sizes.ts';
import './streams.ts';
import './text.ts';
