// A progress bar (bytes written / total, rate, ETA) on stderr when it is a TTY; a no-op otherwise.
import cliProgress from 'cli-progress';
import bytes from 'bytes';
import type { GenerateProgress } from './stream.ts';

export interface ProgressBar {
  update(p: GenerateProgress): void;
  stop(): void;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const started = Date.now();
  const bar = new cliProgress.SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {done} / {all} | {rate}/s | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  const fmt = (n: number) => bytes.format(n, { unitSeparator: ' ' }) ?? String(n);
  bar.start(total, 0, { done: fmt(0), all: fmt(total), rate: fmt(0) });
  return {
    update(p) {
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(p.bytesWritten, { done: fmt(p.bytesWritten), all: fmt(total), rate: fmt(p.bytesWritten / secs) });
    },
    stop() { bar.stop(); },
  };
}
