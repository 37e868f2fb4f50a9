// External sort of lines by GNU sort keys, on the byte sorter of plain sort: each line goes into the
// LineSorter as one record, normalized key ‖ [sequence number] ‖ line, so the radix sort, the run files
// and the merge compare bytes only. Without -s/-u the line itself is the last-resort comparison; with
// them a 4-byte input sequence number after the key keeps equal keys in input order (-u then keeps the
// first line of each key). Global -r sorts the records in descending byte order (the last resort is then
// reversed too) and the key parts not reversed are written inverted. A key part that is the start of the
// line as it is (-k1,1, -k1) is not held twice: the record keeps only the rest of the line. The held
// bytes — what the budget counts — are the whole records, keys included.
import { LineSorter, type LineSorterOptions } from '../linesort/linesorter.ts';
import type { LineCursor } from '../linesort/linerun.ts';
import type { ResolvedOrder } from './gnukeys.ts';
import { compileKeys, type KeyEncoder } from './normkey.ts';

/** Most bytes of a sequence number. */
const SEQ_BYTES = 8;
/** Sequence numbers from here on take 8 bytes: FF FF FF FF, then the excess. */
const SEQ_LONG = 0xffffffff;

/**
 * Writes input sequence number q at r[o..] in order-preserving bytes (XOR flip: inverted in a descending
 * sort, so equal keys still come out in input order): 4 bytes big-endian below 2^32 - 1 (one radix level
 * less per key than 5 fixed bytes), else FF FF FF FF and 4 more.
 */
export function writeSeq(r: Buffer, o: number, q: number, flip: number): number {
  if (q >= SEQ_LONG) {
    for (let i = 0; i < 4; i++) r[o++] = 255 ^ flip;
    q -= SEQ_LONG;
  }
  r[o++] = (q >>> 24) ^ flip;
  r[o++] = ((q >>> 16) & 255) ^ flip;
  r[o++] = ((q >>> 8) & 255) ^ flip;
  r[o++] = (q & 255) ^ flip;
  return o;
}

/** The end of the sequence number written by writeSeq at b[p]. */
export function skipSeq(b: Uint8Array, p: number, flip: number): number {
  const m = 255 ^ flip;
  return b[p] === m && b[p + 1] === m && b[p + 2] === m && b[p + 3] === m ? p + 8 : p + 4;
}

export interface KeyedSorterOptions extends Omit<LineSorterOptions, 'reverse' | 'unique'> {
  order: ResolvedOrder;
  /** -u: the first line (in input order) of each run of equal keys; equal lines without keys. */
  unique?: boolean;
  /** The byte that ends a line: 10, or 0 for -z. */
  terminator?: number;
}

export class KeyedLineSorter {
  private readonly sorter: LineSorter;
  private readonly encoder: KeyEncoder;
  private readonly unique: boolean;
  private readonly descending: boolean;
  /** Records carry a sequence number (stable order of equal keys). */
  private readonly sequenced: boolean;
  /** Records start with a normalized key (else a record is the line). */
  private readonly keyed: boolean;
  private readonly term: number;
  private seq = 0;
  private record = Buffer.allocUnsafeSlow(1 << 16);
  /** The start of a line not ended yet (copied: the caller may reuse its chunk). */
  private carry = Buffer.alloc(0);
  private carried = 0;

  constructor(o: KeyedSorterOptions) {
    this.descending = o.order.reverse;
    this.unique = !!o.unique;
    this.keyed = o.order.keys.length > 0;
    this.sequenced = this.keyed && !o.order.lastResort;
    this.term = o.terminator ?? 10;
    this.encoder = compileKeys(o.order, this.descending);
    // Without keys a record is the line: LineSorter's own -u drops equal lines.
    this.sorter = new LineSorter({ ...o, reverse: this.descending, unique: this.unique && !this.keyed });
  }

  get stats(): LineSorter['stats'] {
    return this.sorter.stats;
  }

  /** Raw text: lines end at the terminator; a line's end may come in a later chunk. */
  write(chunk: Buffer): void {
    let s = 0;
    let nl = this.lineEnd(chunk, 0);
    if (this.carried > 0 || (nl === -1 && chunk.length > 0)) {
      const e = nl === -1 ? chunk.length : nl;
      this.keep(chunk, 0, e);
      if (nl === -1) return;
      this.push(this.carry, 0, this.carried);
      this.carried = 0;
      this.shrink();
      s = nl + 1;
      nl = this.lineEnd(chunk, s);
    }
    while (nl !== -1) {
      this.push(chunk, s, nl);
      s = nl + 1;
      nl = this.lineEnd(chunk, s);
    }
    if (s < chunk.length) this.keep(chunk, s, chunk.length);
  }

  /** The next terminator from `from` on, or -1: short lines are scanned here (cheaper than a native call each). */
  private lineEnd(chunk: Buffer, from: number): number {
    const t = this.term;
    const n = chunk.length;
    const stop = from + 64 < n ? from + 64 : n;
    for (let p = from; p < stop; p++) if (chunk[p] === t) return p;
    return stop < n ? chunk.indexOf(t, stop) : -1;
  }

  /** End of one input: its unterminated last line is a line (as in GNU sort). */
  end(): void {
    if (this.carried === 0) return;
    this.push(this.carry, 0, this.carried);
    this.carried = 0;
    this.shrink();
  }

  /** After a huge line: its carry and record buffers go, not kept for the short lines after it. */
  private shrink(): void {
    if (this.carry.length > 1 << 20) this.carry = Buffer.alloc(0);
    if (this.record.length > 1 << 20) this.record = Buffer.allocUnsafeSlow(1 << 16);
  }

  private keep(src: Buffer, s: number, e: number): void {
    const need = this.carried + e - s;
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.carry.length, 256));
      this.carry.copy(bigger, 0, 0, this.carried);
      this.carry = bigger;
    }
    src.copy(this.carry, this.carried, s, e);
    this.carried = need;
  }

  /** One line src[s, e) as a record. */
  private push(src: Buffer, s: number, e: number): void {
    const n = e - s;
    const need = this.encoder.bound(n) + SEQ_BYTES + n;
    if (need > this.record.length) this.record = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.record.length));
    const r = this.record;
    let o = this.encoder.encode(src, s, e, r, 0);
    if (this.sequenced) o = writeSeq(r, o, this.seq++, this.descending ? 255 : 0);
    // The line, less the start that a shared key part already holds.
    const from = this.encoder.shared >= 0 ? this.encoder.sharedEnd : s;
    if (e - from < 64) {
      for (let p = from; p < e; p++) r[o++] = src[p];
    } else {
      o += src.copy(r, o, from, e);
    }
    this.sorter.pushBytes(r, 0, o);
  }

  /** The sorted lines (without their keys), -u applied. Call once, after the last write()/end(). */
  finish(): LineCursor {
    this.end();
    const records = this.sorter.finish();
    if (!this.keyed) return records;
    return new LinesOfRecords(records, this.encoder, this.sequenced, this.descending ? 255 : 0, this.unique);
  }

  /** Drop what is held, close the runs, remove the temp dir (idempotent). */
  dispose(): void {
    this.sorter.dispose();
    this.carry = Buffer.alloc(0);
    this.carried = 0;
  }
}

/** The lines of sorted records: each record's key (and sequence number) skipped; with unique, the first of each key. */
class LinesOfRecords implements LineCursor {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  stable = false;
  private readonly src: LineCursor;
  private readonly encoder: KeyEncoder;
  private readonly sequenced: boolean;
  /** The sequence number's XOR (255 in a descending sort). */
  private readonly flip: number;
  private readonly unique: boolean;
  private last = Buffer.allocUnsafe(256);
  private lastLen = -1;
  /** The line put back together when a key part shares its bytes. */
  private line = Buffer.allocUnsafeSlow(256);

  constructor(src: LineCursor, encoder: KeyEncoder, sequenced: boolean, flip: number, unique: boolean) {
    this.src = src;
    this.encoder = encoder;
    this.sequenced = sequenced;
    this.flip = flip;
    this.unique = unique;
  }

  advance(): boolean {
    const s = this.src;
    const enc = this.encoder;
    while (s.advance()) {
      const b = s.buf;
      let line = 0;
      let k: number;
      if (enc.shared >= 0) {
        if (this.line.length < s.end - s.start) this.line = Buffer.allocUnsafeSlow(2 * (s.end - s.start));
        line = enc.unshare(b, s.start, this.line);
        k = enc.keyEnd;
      } else {
        k = enc.skip(b, s.start);
      }
      if (this.unique) {
        const n = k - s.start;
        if (n === this.lastLen && b.compare(this.last, 0, n, s.start, k) === 0) continue;
        if (n > this.last.length) this.last = Buffer.allocUnsafe(Math.max(n, 2 * this.last.length));
        b.copy(this.last, 0, s.start, k);
        this.lastLen = n;
      }
      if (enc.shared >= 0) {
        // The line is the shared part's bytes, then the rest held after the key.
        const rest = this.sequenced ? skipSeq(b, k, this.flip) : k;
        const out = this.line;
        if (s.end - rest < 64) for (let p = rest; p < s.end; p++) out[line++] = b[p];
        else line += b.copy(out, line, rest, s.end);
        this.buf = out;
        this.start = 0;
        this.end = line;
        this.stable = false;
        return true;
      }
      this.buf = b;
      this.start = this.sequenced ? skipSeq(b, k, this.flip) : k;
      this.end = s.end;
      this.stable = s.stable === true;
      return true;
    }
    return false;
  }

  close(): void {
    this.src.close();
  }
}
