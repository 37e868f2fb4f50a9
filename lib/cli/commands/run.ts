// `mrpipe run`: placeholder until the runtime lands.
import type { Command } from 'commander';

export function registerRun(_program: Command): void {}
