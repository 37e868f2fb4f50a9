// Start-up: each command on a one-line input, against `node -e 0` (Node's own start) and GNU sort (issue 13,
// "Start-up": shell users run these in loops over small files). Outputs differ by design (not compared).
// Many runs: each takes tens of milliseconds and the median needs them to be stable.
import type { BenchCase } from '../case.ts';

const MRPIPE = '{node} bin/mrpipe.js';

const startup: BenchCase = {
  title: 'start-up: one-line input, mrpipe sort / wordcount / run wordcount vs node -e 0 and GNU sort',
  input: { kind: 'line', size: 0 },
  runs: 20,
  sameOutput: false,
  contenders: [
    { name: 'node -e 0', command: '{node} -e 0', peer: true },
    { name: 'LC_ALL=C sort', command: 'LC_ALL=C sort {input}', peer: true },
    { name: 'mrpipe sort', command: `${MRPIPE} sort {input}`, peer: false },
    { name: 'mrpipe wordcount', command: `${MRPIPE} wordcount {input}`, peer: false },
    { name: 'mrpipe run wordcount', command: `${MRPIPE} run wordcount {input}`, peer: false },
  ],
  notes: 'Times include bash and GNU time around each command (the same for every row). The target is `node -e 0` + 20 ms. '
    + 'bin/mrpipe.js runs the CLI\'s esbuild bundle (dist/cli/: one file per command, commander shared; '
    + 'docs/ARCHITECTURE.md, "Start-up"), with Node\'s compile cache holding the whole bundle compiled; a one-line input starts no worker thread.',
};

export default startup;
