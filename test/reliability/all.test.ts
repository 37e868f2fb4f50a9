// The smaller reliability tests: bad jobs, job resolution, locks, the overwrite guard, probes, stdio and the temp dir, the streaming CLI, worker faults. (The long and the process-wide ones run in files of their own.)
// One ava process for these tests (each test file costs ~0.3 s of CPU to start): they live in the
// modules below, each with its own titles, and run here.
import './bad-jobs.ts';
import './job-resolution.ts';
import './locks.ts';
import './overwrite-guard.ts';
import './probes.ts';
import './stdio-tmpdir.ts';
import './streaming-cli.ts';
import './worker-faults.ts';
