// The demo: what streaming buys, measured. See docs/DEMO.md.
export { runDemo, renderTable, DemoUnavailableError } from './run.ts';
export type { DemoOptions, DemoReport, DemoRun } from './run.ts';
export { terminalChart, svgChart } from './charts.ts';
export { measure } from './measure.ts';
