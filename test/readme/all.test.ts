// The docs' promises: the README's examples and CLI reference, the public API surface, error texts.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './api-surface.ts';
import './errors.ts';
import './option-docs.ts';
import './readme.ts';
