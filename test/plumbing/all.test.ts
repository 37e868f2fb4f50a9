// The plumbing layer's tests: inputs, sizes, signals and the lint rule that holds the layers.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './inputs.ts';
import './layers.ts';
import './layers-dynamic.ts';
import './signals.ts';
import './sizes.ts';
