// mrpipe sort's GNU ordering modes against GNU sort itself, at -S 64M, one case per mode so each output is
// checked byte for byte: keyed (-k on blank-separated fields), -f, -g, -h and -V, on 1 GB of generated text
// and of the real corpus (bench/lib/real-corpus.ts). All of them run on normalized byte keys
// (docs/SORT.md).
import type { BenchCase } from '../case.ts';
import { scaledSize } from '../lib/inputs.ts';
import { parseOptions } from '../lib/options.ts';

const GB = 1 << 30;
const MRPIPE = '{node} bin/mrpipe.js';
const MODES: [label: string, flags: string][] = [
  ['keyed -k2,2 -k1,1', '-k2,2 -k1,1'],
  ['-f', '-f'],
  ['-g', '-g'],
  ['-h', '-h'],
  ['-V', '-V'],
];

/** The harness's scale, read as it reads it, so titles give the size really sorted. */
function benchScale(): number {
  try {
    return parseOptions(process.argv.slice(2), process.env, '.').scale;
  } catch {
    return 1;
  }
}
const SIZE_LABEL = ((n: number) => (n >= GB ? `${Number((n / GB).toFixed(1))} GB` : `${Math.round(n / 2 ** 20)} MiB`))(
  scaledSize({ kind: 'text', size: GB }, benchScale()));

function modeCase(kind: 'text' | 'real', [label, flags]: [string, string]): BenchCase {
  const what = kind === 'real' ? 'gcc-12 source' : 'generated text';
  const normalize = flags === '-g' ? 'LC_ALL=C sort' : undefined;
  return {
    title: `sort modes: mrpipe sort ${label} vs LC_ALL=C sort ${label}, -S 64M (${SIZE_LABEL} of ${what})`,
    input: { kind, size: GB },
    contenders: [
      { name: `mrpipe sort ${flags} -S 64M`, command: `${MRPIPE} sort ${flags} -S 64M -T {tmp} {input}`, peer: false, normalize },
      { name: `LC_ALL=C sort ${flags} -S 64M`, command: `LC_ALL=C sort ${flags} -S 64M -T {tmp} {input}`, peer: true, normalize },
    ],
    notes: 'Outputs compared byte for byte, except -g: lines whose first field reads as NaN (`nanaeb`, `Nanos`) are '
      + 'ordered by GNU 9.1 by uninitialised padding bytes (its own output changes with --parallel), so -g outputs are '
      + 'compared sorted (docs/SORT.md). On text most lines are not numbers, so -g and -h order nearly every line by '
      + 'the last-resort whole-line comparison: the cost measured is the mode\'s key parsing plus the sort.',
  };
}

export default (['text', 'real'] as const).flatMap((kind) => MODES.map((m) => modeCase(kind, m)));
