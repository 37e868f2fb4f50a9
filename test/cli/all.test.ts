// The smaller CLI tests: conventions, the run and streaming flags, the protocol, generate and demo, the sort options. (sort, run, wordcount, progress, startup and the long ones run in files of their own.)
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './conventions.ts';
import './generate-demo.ts';
import './protocol.ts';
import './run-flags.ts';
import './sort-compress.ts';
import './sort-debug.ts';
import './sort-general-numeric.ts';
import './sort-options.ts';
import './streaming-flags.ts';
import './streaming-records.ts';
