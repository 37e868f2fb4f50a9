// The shuffle operators in process: keys and GNU orders, sorters, runs and merges, splitters, word counting.
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './general-version-keys.ts';
import './gnuflags.ts';
import './gnuorder.ts';
import './key-table.ts';
import './keyed-sorter.ts';
import './linemerge.ts';
import './linerun.ts';
import './lines.ts';
import './merge-plan.ts';
import './natural-runs.ts';
import './raw-lines.ts';
import './runfile.ts';
import './sorted-batches.ts';
import './sorter.ts';
import './splitter.ts';
import './streams.ts';
import './wordcount.ts';
