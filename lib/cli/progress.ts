// A progress bar on stderr, drawn by cli-progress only when stderr is a terminal; silent otherwise.
import cliProgress from 'cli-progress';
import bytes from 'bytes';

export interface ProgressBar {
  /** Sets the amount done (bytes, when the total is bytes). */
  update(done: number, total?: number): void;
  stop(): void;
}

const SILENT: ProgressBar = { update() {}, stop() {} };

/** A bar labelled `label` over `total` bytes (0 when unknown: then it shows bytes and rate only; -1: none). */
export function progressBar(label: string, total = 0): ProgressBar {
  if (total < 0 || !process.stderr.isTTY || process.env.MRPIPE_NO_PROGRESS) return SILENT;
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {doneBytes} of {totalBytes} | {rate}/s | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  const fmt = (n: number): string => bytes(n, { decimalPlaces: 1 }) ?? String(n);
  let max = total;
  bar.start(Math.max(total, 1), 0, { doneBytes: '0B', totalBytes: total ? fmt(total) : '?', rate: '0B' });
  return {
    update(done, newTotal) {
      if (newTotal !== undefined && newTotal !== max) { max = newTotal; bar.setTotal(Math.max(max, 1)); }
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(max ? Math.min(done, max) : 0, { doneBytes: fmt(done), totalBytes: max ? fmt(max) : '?', rate: fmt(done / secs) });
    },
    stop() { bar.stop(); },
  };
}
