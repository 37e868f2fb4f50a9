// GNU sort's key comparison compiled, once per key spec, into a normalized key: a byte string written for
// each line such that plain byte order of two lines' normalized keys is GNU's comparison of their keys
// (-k F.C,F.C with -t or blank runs, b d f i g n h M R V r). Then a sort by bytes — the radix sort and byte merge
// of plain sort — sorts by key, with no string per line and no key parsing per comparison.
//
// Each key's part is prefix-free (so it decides before the next part is reached) and its bytes are
// inverted when it sorts in reverse of the whole sort. Text: the key's bytes (-d/-i bytes dropped, -f
// folded), bytes 00 and 01 escaped as 01 01 and 01 02, ended by one 00, so a shorter key sorts first (one
// end byte: one radix level less per key than the usual 00 00). -n, -h, -M: ./numkey.ts; -g: ./genkey.ts;
// -V: ./verkey.ts; -R: the key's seeded hash, then the key as text.
import type { KeyDef, ResolvedOrder } from './gnukeys.ts';
import { BLANK, begField, limField } from './fields.ts';
import { keyHasher } from './gnucompare.ts';
import { encodeGeneral, generalBound, skipGeneral } from './genkey.ts';
import { encodeHuman, encodeMonth, encodeNumber, humanBound, numberBound, skipHuman, skipNumber } from './numkey.ts';
import { encodeVersion, skipVersion, versionBound } from './verkey.ts';

/** Writes a part for the key b[s, e) at out[o..]; returns the end. */
type Encode = (b: Uint8Array, s: number, e: number, out: Uint8Array, o: number) => number;

const FOLD = new Uint8Array(256).map((_, c) => (c >= 97 && c <= 122 ? c - 32 : c));
const IDENTITY = new Uint8Array(256).map((_, c) => c);
/** -d drops all but blanks and alphanumerics; -i drops all but printable ASCII. */
const NONDICTIONARY = new Uint8Array(256).map((_, c) =>
  Number(!BLANK[c] && !(c >= 48 && c <= 57) && !((c | 0x20) >= 97 && (c | 0x20) <= 122)));
const NONPRINTING = new Uint8Array(256).map((_, c) => Number(c < 32 || c > 126));

/** The key's bytes, -d/-i bytes dropped, -f folded, 00 and 01 escaped (01 01, 01 02), ended by 00. */
function textPart(k: KeyDef): Encode {
  const drop = k.ignore === 'nondictionary' ? NONDICTIONARY : k.ignore === 'nonprinting' ? NONPRINTING : undefined;
  const tr = k.foldCase ? FOLD : IDENTITY;
  if (!drop && !k.foldCase) {
    return (b, s, e, out, o) => {
      for (let p = s; p < e; p++) {
        const c = b[p];
        if (c > 1) out[o++] = c;
        else {
          out[o++] = 1;
          out[o++] = c + 1;
        }
      }
      out[o] = 0;
      return o + 1;
    };
  }
  return (b, s, e, out, o) => {
    for (let p = s; p < e; p++) {
      const c = b[p];
      if (drop !== undefined && drop[c] === 1) continue;
      const t = tr[c];
      if (t > 1) out[o++] = t;
      else {
        out[o++] = 1;
        out[o++] = t + 1;
      }
    }
    out[o] = 0;
    return o + 1;
  };
}

/** The end of a text part at b[p] (bytes XOR flip). */
function skipText(b: Uint8Array, p: number, flip: number): number {
  const esc = 1 ^ flip;
  for (;;) {
    const c = b[p++];
    if (c === flip) return p;
    if (c === esc) p++;
  }
}

/** -g, -h, -V with -d/-i/-f: GNU encodes a copy of the key with those bytes dropped and folded ('m' is then a -h unit). */
function transformed(encode: Encode, k: KeyDef): Encode {
  const drop = k.ignore === 'nondictionary' ? NONDICTIONARY : k.ignore === 'nonprinting' ? NONPRINTING : undefined;
  if (!drop && !k.foldCase) return encode;
  const tr = k.foldCase ? FOLD : IDENTITY;
  let tmp = new Uint8Array(256);
  return (b, s, e, out, o) => {
    if (tmp.length < e - s) tmp = new Uint8Array(2 * (e - s));
    let n = 0;
    for (let p = s; p < e; p++) if (drop === undefined || drop[b[p]] === 0) tmp[n++] = tr[b[p]];
    return encode(tmp, 0, n, out, o);
  };
}

/** -R: the key's hash (8 bytes, big-endian: high lane, low lane), then its bytes as a text part. */
function randomPart(k: KeyDef, seed: Uint8Array): Encode {
  const h = keyHasher(seed);
  const text = textPart({ ...k, ignore: undefined, foldCase: false });
  return (b, s, e, out, o) => {
    h.hash(b, s, e);
    const { hi, lo } = h;
    out[o++] = hi >>> 24;
    out[o++] = (hi >>> 16) & 255;
    out[o++] = (hi >>> 8) & 255;
    out[o++] = hi & 255;
    out[o++] = lo >>> 24;
    out[o++] = (lo >>> 16) & 255;
    out[o++] = (lo >>> 8) & 255;
    out[o++] = lo & 255;
    return text(b, s, e, out, o);
  };
}

interface Part {
  key: KeyDef;
  encode: Encode;
  skip: (b: Uint8Array, p: number, flip: number) => number;
  /** 255 when this part's bytes are inverted, else 0. */
  flip: number;
  /** Most bytes this part takes for a line of n bytes. */
  bound: (n: number) => number;
}

/** A compiled key spec: writes and skips the normalized key of a line. */
export interface KeyEncoder {
  /** Most bytes encode() writes for a line of n bytes. */
  bound(n: number): number;
  /**
   * Writes the normalized key of the line b[s, e) at out[o..]; returns its end. When the key has a shared
   * part, sets sharedEnd: the line's bytes b[s, sharedEnd) are that part's bytes.
   */
  encode(b: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number;
  /** The end of the normalized key that starts at b[p]. */
  skip(b: Uint8Array, p: number): number;
  /**
   * A part that is a verbatim copy of the start of the line (a plain text key from the line's first byte,
   * as -k1,1): a record need not hold those bytes twice. Its index among the parts, or -1.
   */
  readonly shared: number;
  sharedEnd: number;
  /**
   * Writes the shared part's bytes (the start of the line) of the normalized key at b[p] into out[0..]
   * and returns their count; keyEnd is then the end of the whole key.
   */
  unshare(b: Uint8Array, p: number, out: Uint8Array): number;
  keyEnd: number;
}

/**
 * Compiles the resolved keys. `descending`: the records will be sorted in descending byte order (global
 * -r), so the parts of keys that are not reversed are the ones inverted.
 */
export function compileKeys(order: ResolvedOrder, descending: boolean): KeyEncoder {
  const tab = order.tab;
  const parts: Part[] = order.keys.map((key) => {
    const flip = key.reverse !== descending ? 255 : 0;
    if (key.numeric) return { key, flip, encode: encodeNumber, skip: skipNumber, bound: numberBound };
    if (key.human) return { key, flip, encode: transformed(encodeHuman, key), skip: skipHuman, bound: humanBound };
    if (key.general) return { key, flip, encode: transformed(encodeGeneral, key), skip: skipGeneral, bound: generalBound };
    if (key.version) return { key, flip, encode: transformed(encodeVersion, key), skip: skipVersion, bound: versionBound };
    if (key.random) {
      return { key, flip, encode: transformed(randomPart(key, order.randomSeed), key), skip: (b, p, f) => skipText(b, p + 8, f), bound: (n) => 2 * n + 9 };
    }
    if (key.month) return { key, flip, encode: encodeMonth, skip: (_b, p) => p + 1, bound: () => 1 };
    return { key, flip, encode: textPart(key), skip: skipText, bound: (n) => 2 * n + 1 };
  });
  const n = parts.length;
  const shared = parts.findIndex(({ key: k }) => !k.numeric && !k.human && !k.month && !k.general && !k.version && !k.random && !k.ignore && !k.foldCase &&
    k.startField === 0 && k.startChar === 0 && !k.skipStartBlanks);
  return {
    shared,
    sharedEnd: 0,
    keyEnd: 0,
    bound: (len) => {
      let sum = 0;
      for (const part of parts) sum += part.bound(len);
      return sum;
    },
    encode(b, s, e, out, o) {
      for (let i = 0; i < n; i++) {
        const part = parts[i];
        const ks = begField(b, s, e, part.key, tab);
        let ke = limField(b, s, e, part.key, tab);
        if (ke < ks) ke = ks;
        if (i === shared) this.sharedEnd = ke;
        const from = o;
        o = part.encode(b, ks, ke, out, o);
        if (part.flip !== 0) for (let j = from; j < o; j++) out[j] ^= 255;
      }
      return o;
    },
    skip(b, p) {
      for (let i = 0; i < n; i++) p = parts[i].skip(b, p, parts[i].flip);
      return p;
    },
    unshare(b, p, out) {
      for (let i = 0; i < shared; i++) p = parts[i].skip(b, p, parts[i].flip);
      // The text part's bytes, unescaped (01 x is x - 1; 00 ends it), XOR its flip.
      const flip = parts[shared].flip;
      let o = 0;
      for (;;) {
        const c = b[p++] ^ flip;
        if (c === 0) break;
        out[o++] = c === 1 ? (b[p++] ^ flip) - 1 : c;
      }
      for (let i = shared + 1; i < n; i++) p = parts[i].skip(b, p, parts[i].flip);
      this.keyEnd = p;
      return o;
    },
  };
}
