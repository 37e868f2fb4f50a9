// The one progress display of every command: a line on stderr, drawn by cli-progress, only when stderr is a
// terminal (and MRPIPE_NO_PROGRESS is unset). A command names its phases (read, sort, merge, map, reduce,
// count, generate); each shows only what is known: bytes (or records) done and their rate; with a known
// total also a bar, the percentage and, once there is a rate to go by, the ETA. Never NaN or Infinity.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import bytes from 'bytes';

/** What a phase counts: input or output bytes, records, or nothing (the time it takes). */
export type ProgressUnit = 'bytes' | 'records' | 'none';

export interface ProgressState {
  /** The command (and its target): `sort`, `run → out/`. */
  label: string;
  phase: string;
  unit: ProgressUnit;
  /** Units done in this phase. */
  done: number;
  /** Units this phase will do; 0 when unknown (stdin, .gz). */
  total: number;
  /** Seconds since the phase began. */
  seconds: number;
}

export interface Progress {
  /** Starts a phase: its name, what it counts and its total (0: unknown). */
  phase(name: string, unit?: ProgressUnit, total?: number): void;
  /** Sets the amount done in the current phase (and its total, when it became known). */
  update(done: number, total?: number): void;
  stop(): void;
}

const BAR_WIDTH = 20;
/** No ETA before this much of a phase has passed: the first rates are start-up, not throughput. */
const ETA_AFTER_SECONDS = 1;

/** Whole units: a fraction of a byte or record (an early rate) would print as `2e-7B`. */
const amount = (n: number, unit: ProgressUnit): string =>
  unit === 'bytes' ? bytes(Math.round(n), { decimalPlaces: 1 }) ?? `${Math.round(n)}B` : `${Math.round(n).toLocaleString('en-US')} records`;

/** `4s`, `2m05s`, `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** One line of progress from what is known: parts that cannot be computed are left out, never shown as NaN. */
export function formatProgress(p: ProgressState): string {
  const parts = [`${p.label} · ${p.phase}`];
  const finite = (n: number): boolean => Number.isFinite(n) && n >= 0;
  const positive = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0); // -0 too: it prints as "-0"
  const done = positive(p.done), total = positive(p.total), seconds = positive(p.seconds);
  if (p.unit !== 'none') {
    if (total > 0) {
      const frac = Math.min(done / total, 1);
      const filled = Math.round(frac * BAR_WIDTH);
      parts[0] += ` [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${Math.floor(frac * 100)}%`;
      parts.push(`${amount(done, p.unit)} of ${amount(total, p.unit)}`);
    } else {
      parts.push(amount(done, p.unit));
    }
    const rate = seconds > 0 ? done / seconds : 0;
    if (rate >= 1 && finite(rate)) parts.push(`${amount(rate, p.unit)}/s`);
    const eta = (total - done) / rate;
    if (total > 0 && done < total && seconds >= ETA_AFTER_SECONDS && rate > 0 && finite(eta)) parts.push(`ETA ${formatDuration(eta)}`);
  }
  parts.push(formatDuration(seconds));
  return parts.join(' | ');
}

const SILENT: Progress = { phase() {}, update() {}, stop() {} };

/** True when progress is drawn: stderr (or `stream`) is a terminal and MRPIPE_NO_PROGRESS is unset. */
export function progressWanted(stream?: NodeJS.WriteStream): boolean {
  if (process.env.MRPIPE_NO_PROGRESS) return false;
  if (stream === undefined && !mayBeTerminal(2)) return false;
  return Boolean((stream ?? process.stderr).isTTY);
}

/**
 * False when `fd` is surely no terminal (a file, a pipe, closed): asked of the descriptor, because making
 * process.stderr to ask it builds a stream (for a pipe a socket, with node:net): ~1-3 ms of start-up for a
 * command whose stderr is not a terminal. A character device may be one (or /dev/null).
 */
function mayBeTerminal(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * The progress of command `label`, starting in `phase`; silent unless `progressWanted(stream)` (or
 * `enabled` is false). Redrawn at most 5 times a second, also between updates, so a long phase ticks on.
 */
export function progress(label: string, phase: string, unit: ProgressUnit = 'bytes', total = 0,
  opts: { enabled?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  if (opts.enabled === false || !progressWanted(opts.stream)) return SILENT;
  const stream = opts.stream ?? process.stderr;
  const state: ProgressState = { label, phase, unit, done: 0, total, seconds: 0 };
  let started = performance.now();
  // Loaded only when a bar is drawn (a terminal on stderr): a command in a pipeline never pays for it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar({
    stream,
    format: () => formatProgress({ ...state, seconds: (performance.now() - started) / 1000 }),
    hideCursor: true,
    clearOnComplete: true,
    linewrap: false,
    fps: 5,
  });
  bar.start(1, 0);
  return {
    phase(name, newUnit = 'none', newTotal = 0) {
      Object.assign(state, { phase: name, unit: newUnit, total: newTotal, done: 0 });
      started = performance.now();
      bar.render(); // the new phase's name now, not at the next tick: a phase may be short
    },
    update(done, newTotal) {
      state.done = done;
      if (newTotal !== undefined) state.total = newTotal;
      bar.update(0);
    },
    stop() { bar.stop(); },
  };
}
