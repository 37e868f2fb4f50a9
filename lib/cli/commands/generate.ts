// `mrpipe generate`: placeholder until lib/generate lands.
import type { Command } from 'commander';

export function registerGenerate(_program: Command): void {}
