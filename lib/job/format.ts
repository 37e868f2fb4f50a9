// Output formatting shared by the runner and Hadoop Streaming mode.
import type { OutputFormat } from './types.ts';

/** tsv: key<TAB>value, the value plain when a string or number, JSON otherwise; jsonl: {"key","value"}. */
export function formatRecord(key: string, value: unknown, format: OutputFormat): string {
  if (format === 'jsonl') return JSON.stringify(value === undefined ? { key } : { key, value }) + '\n';
  if (value === undefined) return key + '\n';
  if (typeof value === 'string') return key + '\t' + value + '\n';
  if (typeof value === 'number') return key + '\t' + String(value) + '\n';
  return key + '\t' + JSON.stringify(value) + '\n';
}
