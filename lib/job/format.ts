// Output formatting shared by the runner and Hadoop Streaming mode.
import { valueJson } from './checks.ts';
import type { OutputFormat } from './types.ts';

/**
 * tsv: key<TAB>value, the value plain when a string or number, JSON otherwise; jsonl: {"key","value"}. A
 * value JSON cannot carry exactly (NaN, a BigInt, a cycle, a Map) is an error naming the key.
 */
export function formatRecord(key: string, value: unknown, format: OutputFormat): string {
  if (format === 'jsonl') return value === undefined ? `{"key":${JSON.stringify(key)}}\n` : `{"key":${JSON.stringify(key)},"value":${valueJson(key, value, 'output value')}}\n`;
  if (value === undefined) return key + '\n';
  if (typeof value === 'string') return key + '\t' + value + '\n';
  return key + '\t' + (valueJson(key, value, 'output value') as string) + '\n';
}
