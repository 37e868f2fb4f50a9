// The demo's pictures: a terminal chart (asciichart) and a standalone SVG, of peak RSS and time against
// input size for each way of running word count.
import { createRequire } from 'node:module';

interface AsciiChart {
  plot(series: number[] | number[][], cfg?: { height?: number; min?: number; max?: number; colors?: string[]; symbols?: string[]; format?: (x: number) => string }): string;
  blue: string; green: string; red: string; yellow: string; magenta: string; cyan: string; reset: string;
}
const asciichart = createRequire(import.meta.url)('asciichart') as AsciiChart;

export interface Series {
  label: string;
  /** One value per size; NaN for a run that failed. */
  values: number[];
}

/** Resamples points at x positions onto `width` evenly spaced columns (linear), so the x axis is to scale. */
function resample(xs: number[], ys: number[], width: number): number[] {
  const lo = xs[0], hi = xs[xs.length - 1];
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    const x = xs.length === 1 ? lo : lo + ((hi - lo) * i) / (width - 1);
    let j = 0;
    while (j < xs.length - 2 && xs[j + 1] < x) j++;
    const x0 = xs[j], x1 = xs[Math.min(j + 1, xs.length - 1)];
    const y0 = ys[j], y1 = ys[Math.min(j + 1, ys.length - 1)];
    out.push(x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
  }
  return out;
}

const COLORS = ['red', 'green', 'cyan', 'yellow'] as const;
// Without colour each series gets its own line glyphs (asciichart's order: axis ┼ ┤, ╶ ╴, then the line
// ─ ╰ ╭ ╮ ╯ │), so the legend can tell them apart.
const GLYPHS = [
  ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
  ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'],
  ['┼', '┤', '╶', '╴', '·', '·', '·', '·', '·', ':'],
  ['┼', '┤', '╶', '╴', '~', '+', '+', '+', '+', '¦'],
];

/** Plots each series alone on the same axes and overlays them: later series over earlier ones. */
function plotPlain(data: number[][], cfg: { height: number; min: number; max: number; format: (x: number) => string }): string {
  const grids = data.map((d, i) => asciichart.plot(d, { ...cfg, symbols: GLYPHS[i % GLYPHS.length] }).split('\n'));
  const axis = grids[0].map((row) => row.search(/[┼┤]/));
  return grids[0].map((row, y) => {
    const cells = [...row];
    for (const g of grids.slice(1)) {
      [...g[y]].forEach((ch, x) => { if (x > axis[y] && ch !== ' ') cells[x] = ch; });
    }
    return cells.join('');
  }).join('\n');
}

export function terminalChart(title: string, xs: number[], series: Series[], unit: string, color: boolean): string {
  const ok = series.filter((s) => s.values.every((v) => Number.isFinite(v)));
  if (ok.length === 0 || xs.length === 0) return `${title}: no data\n`;
  const width = Math.max(2, Math.min(60, xs.length === 1 ? 2 : 48));
  const data = ok.map((s) => resample(xs, s.values, width));
  const colors = ok.map((_, i) => (color ? asciichart[COLORS[i % COLORS.length]] : ''));
  const format = (x: number) => `${x.toFixed(x >= 100 ? 0 : 1).padStart(7)} ${unit}`;
  // The y axis starts at 0, so a flat line looks flat. Without colours asciichart adds no escapes.
  const max = Math.max(...data.flat());
  const plot = color ? asciichart.plot(data, { height: 10, min: 0, colors, format }) : plotPlain(data, { height: 10, min: 0, max, format });
  const legend = ok.map((s, i) => {
    const glyph = color ? '──' : GLYPHS[i % GLYPHS.length][4].repeat(2);
    return `${colors[i]}${glyph} ${s.label}${color ? asciichart.reset : ''}`;
  }).join('   ');
  return `${title}\n${plot}\n${' '.repeat(11)}${fmtSize(xs[0])} … ${fmtSize(xs[xs.length - 1])} (input size)\n${legend}\n`;
}

export function fmtSize(n: number): string {
  if (n >= 2 ** 30) return `${+(n / 2 ** 30).toFixed(2)} GB`;
  if (n >= 2 ** 20) return `${+(n / 2 ** 20).toFixed(1)} MB`;
  return `${+(n / 1024).toFixed(0)} KB`;
}

const SVG_COLORS = ['#d62728', '#2ca02c', '#1f77b4', '#ff7f0e'];

function panel(x0: number, title: string, xs: number[], series: Series[], unit: string): string {
  const w = 420, h = 260, left = 60, bottom = 40, top = 30;
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const ymax = Math.max(1e-9, ...finite) * 1.1;
  const xmin = xs[0], xmax = xs[xs.length - 1] === xmin ? xmin + 1 : xs[xs.length - 1];
  const px = (x: number) => x0 + left + ((x - xmin) / (xmax - xmin)) * (w - left - 20);
  const py = (y: number) => top + (h - top - bottom) * (1 - y / ymax);
  const out = [`<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`];
  out.push(`<line x1="${x0 + left}" y1="${py(0)}" x2="${x0 + w - 20}" y2="${py(0)}" stroke="#333"/>`);
  out.push(`<line x1="${x0 + left}" y1="${top}" x2="${x0 + left}" y2="${py(0)}" stroke="#333"/>`);
  for (let i = 0; i <= 4; i++) {
    const y = (ymax / 1.1) * (i / 4);
    out.push(`<text x="${x0 + left - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${y.toFixed(y >= 10 ? 0 : 1)} ${unit}</text>`);
  }
  for (const x of xs) out.push(`<text x="${px(x)}" y="${h - bottom + 16}" text-anchor="middle" font-size="11">${fmtSize(x)}</text>`);
  series.forEach((s, i) => {
    const pts = s.values.map((v, j) => [px(xs[j]), Number.isFinite(v) ? py(v) : NaN] as const).filter(([, y]) => Number.isFinite(y));
    const c = SVG_COLORS[i % SVG_COLORS.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${c}"/>`);
  });
  return out.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Two panels side by side (peak RSS, time) with a shared legend. */
export function svgChart(title: string, xs: number[], rss: Series[], time: Series[]): string {
  const legend = rss.map((s, i) => `<rect x="${20 + i * 280}" y="282" width="14" height="4" fill="${SVG_COLORS[i % SVG_COLORS.length]}"/>` +
    `<text x="${40 + i * 280}" y="288" font-size="12">${esc(s.label)}</text>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="300" font-family="sans-serif" font-size="12">
<title>${esc(title)}</title>
<rect width="860" height="300" fill="white"/>
${panel(0, 'Peak RSS vs input size', xs, rss, 'MB')}
${panel(430, 'Time vs input size', xs, time, 's')}
${legend}
</svg>
`;
}
