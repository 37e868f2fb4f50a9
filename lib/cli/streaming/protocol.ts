// The Hadoop Streaming wire format between `mrpipe map`, the framework's sort, `mrpipe combine` and
// `mrpipe reduce`: one `key<TAB>value` line per pair.
//
// - key: the key string, except that the bytes 0x00-0x0D (among them TAB, LF and CR, which the framework
//   splits on) are written as NUL followed by the byte + 0x10. Every escaped byte then sorts below every
//   plain one and in its own order, so the framework's byte-order sort of the wire keys is exactly the
//   byte order of the keys themselves. Keys without control bytes — nearly all — are unchanged.
// - value: JSON, always (so the string "1" and the number 1 stay distinct, and objects round-trip).
//   JSON never contains a raw tab or newline. An undefined value is written as no tab at all.
import { valueJson } from '../../job/checks.ts';

/** True if `key` holds a byte 0x00-0x0D. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 0x0d) return true;
  return false;
}

export function encodeKey(key: string): string {
  if (!hasControl(key)) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out += c <= 0x0d ? '\x00' + String.fromCharCode(c + 0x10) : key[i];
  }
  return out;
}

export function decodeKey(text: string): string {
  if (text.indexOf('\x00') === -1) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 && i + 1 < text.length) out += String.fromCharCode(text.charCodeAt(++i) - 0x10);
    else out += text[i];
  }
  return out;
}

/** One wire line for (key, value), with its newline. */
export function encodePair(key: string, value: unknown): string {
  const k = encodeKey(key);
  if (value === undefined) return k + '\n';
  return k + '\t' + (valueJson(key, value) as string) + '\n';
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
