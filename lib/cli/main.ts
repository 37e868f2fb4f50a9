// The mrpipe command line: parses argv and dispatches to a command; returns the exit code.
export async function main(_argv: string[]): Promise<number> {
  return 0;
}
