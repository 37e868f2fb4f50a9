// Errors the CLI turns into exit codes: 2 for bad usage, 1 for a job or input that failed.
// Each message names what it knows (file, line, byte offset) and says what to do.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error with the exit code the command must end with. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Bad flags, arguments or inline code: exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** A missing input, a bad record, a failed job: exit 1. */
export function failure(message: string): CliError {
  return new CliError(message, EXIT_FAILED);
}

/** True for the error a write to a closed pipe raises (`mrpipe … | head`). */
export function isEpipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}

/** Thrown to unwind a command when stdout's reader has gone away; main turns it into a quiet exit 0. */
export class BrokenPipe extends Error {
  constructor() {
    super('stdout closed');
  }
}

export { describeFsError } from '../../plumbing/fs-errors.ts';
