// The runtime's smaller tests: planner, formats, faults, oracles, types, the word engine, stdio. (kill, memory and run-format run in files of their own.)
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './counting-reduce.ts';
import './equivalence.ts';
import './faults.ts';
import './formats.ts';
import './in-memory-groups.ts';
import './oracle.ts';
import './planner.ts';
import './stdio.ts';
import './types.ts';
import './word-engine.ts';
