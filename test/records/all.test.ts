// The record stages: records, combine, keyed checks, the memory option.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './combine.ts';
import './keyed-checks.ts';
import './memory-option.ts';
import './records.ts';
