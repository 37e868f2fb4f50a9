// The Hadoop Streaming wire format between `mrpipe map`, the framework's sort, `mrpipe combine` and
// `mrpipe reduce`: one `key<TAB>value` line per pair.
//
// - key: the key string, except that the bytes 0x00-0x0D (among them TAB, LF and CR, which the framework
//   splits on) are written as NUL followed by the byte + 0x10. Every escaped byte then sorts below every
//   plain one and in its own order, so the framework's byte-order sort of the wire keys is exactly the
//   byte order of the keys themselves. Keys without control bytes — nearly all — are unchanged.
// - value: JSON, always (so the string "1" and the number 1 stay distinct, and objects round-trip).
//   JSON never contains a raw tab or newline. An undefined value is written as no tab at all.

// Control bytes are the point here, hence the regular expressions built from escapes.
const CONTROL = new RegExp('[\\x00-\\x0d]');
const CONTROL_ALL = new RegExp('[\\x00-\\x0d]', 'g');
const ESCAPED_ALL = new RegExp('\\x00([\\x10-\\x1d])', 'g');

export function encodeKey(key: string): string {
  if (!CONTROL.test(key)) return key;
  return key.replace(CONTROL_ALL, (c) => '\x00' + String.fromCharCode(c.charCodeAt(0) + 0x10));
}

export function decodeKey(text: string): string {
  if (text.indexOf('\x00') === -1) return text;
  return text.replace(ESCAPED_ALL, (_m, c: string) => String.fromCharCode(c.charCodeAt(0) - 0x10));
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
