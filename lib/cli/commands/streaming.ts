// Hadoop Streaming commands: placeholder.
import type { Command } from 'commander';

export function registerStreaming(_program: Command): void {}
