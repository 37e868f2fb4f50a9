// `mrpipe sort`: GNU-compatible external sort (placeholder until the shuffle operators land).
import type { Command } from 'commander';

export function registerSort(_program: Command): void {}
