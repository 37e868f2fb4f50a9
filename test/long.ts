// The default suite is what a maintainer runs often (`npm test`); MRPIPE_LONG_TESTS=1 (`npm run test:long`)
// runs the same tests at full size: bigger inputs, more property runs, more kills in the fault campaigns.

/** True under `npm run test:long` (MRPIPE_LONG_TESTS=1). */
export const LONG = process.env.MRPIPE_LONG_TESTS === '1';

/** A count (property runs, kills, concurrent jobs, input size): `quick` by default, `full` under LONG. */
export function scale(quick: number, full: number): number {
  return LONG ? full : quick;
}
