// The Hadoop Streaming wire format between `mrpipe map`, the framework's sort, `mrpipe combine` and
// `mrpipe reduce`: one `key<TAB>value` line per pair.
//
// - key: the key string as is, except that \ TAB LF CR are escaped as \\ \t \n \r (the framework splits
//   at the first tab and at line ends). Keys without those bytes — nearly all — are unchanged, so the
//   framework's byte-order sort is the runtime's key order.
// - value: JSON, always (so the string "1" and the number 1 stay distinct, and objects round-trip).
//   JSON never contains a raw tab or newline. An undefined value is written as no tab at all.

const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function encodeKey(key: string): string {
  if (!NEEDS_ESCAPE.test(key)) return key;
  return key.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function decodeKey(text: string): string {
  if (text.indexOf('\\') === -1) return text;
  return text.replace(/\\(.)/g, (_m, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** One wire line for (key, value), with its newline. */
export function encodePair(key: string, value: unknown): string {
  const k = encodeKey(key);
  if (value === undefined) return k + '\n';
  return k + '\t' + JSON.stringify(value) + '\n';
}

/** Splits a wire line into the raw (still escaped) key text and the value text (undefined: no tab). */
export function splitPair(line: string): [keyText: string, valueText: string | undefined] {
  const tab = line.indexOf('\t');
  return tab === -1 ? [line, undefined] : [line.slice(0, tab), line.slice(tab + 1)];
}

/** A Hadoop counter line for stderr. Commas in group or name would break the protocol: they become ';'. */
export function counterLine(group: string, name: string, amount: number): string {
  const clean = (s: string): string => s.replace(/[,\n]/g, ';');
  return `reporter:counter:${clean(group)},${clean(name)},${amount}\n`;
}

/** A Hadoop status line for stderr. */
export function statusLine(message: string): string {
  return `reporter:status:${message.replace(/\n/g, ' ')}\n`;
}
