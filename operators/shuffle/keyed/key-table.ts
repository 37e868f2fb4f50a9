// An open-addressing hash table from string keys to dense ids 0..size-1 (insertion order), for the map
// side's aggregation. It replaced a Map<string, box>: for word-count-like jobs on fresh strings it measured
// ~2× faster (100 MB of words: 1.8 s vs 4.1 s CPU), and values live in the caller's dense arrays (a
// Float64Array of counts: no box per key for the garbage collector to trace).
//
// A key of up to 11 chars, all below 256 (every key of a latin1 job that short), is stored packed in its
// 16-byte entry: its chars and its length ARE the comparison, and a lookup reads one entry and nothing else.
// The keys that miss the cache are the rare ones, and on this VM every extra dependent read of a cold key
// costs ~200 ns: comparing the JS strings (entry → keys[id] → the string's chars) measured ~660 ns per cold
// lookup against ~230 ns packed, at 190 k distinct words. Longer or wider keys keep
// their FNV hash in the entry and are compared as strings.
// The hash is FNV-1a 32 over the key's chars, i.e. exactly partitionOf's hash for latin1 byte-string keys,
// so the collector reuses it (hashes[id]) to partition those keys.
//
// `bytes` mode keeps no JS string: each key's UTF-8 bytes go to an arena when it is added, and longer keys
// are compared against those bytes. The runtime's counting collector uses it: a spill sorts and writes the
// bytes, the emitted strings all die young (a held string survives scavenges and is copied to the old
// generation; a substring of 13+ chars even holds its whole line), and the table's memory is its arrays,
// known to the byte (heldBytes, growthBytes) rather than estimated.
import { allocRunBuffer, type RunBuffer } from '../runs/codec.ts';

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
/** Keys up to this many chars (each < 256) are packed: 4 + 4 + 3 chars and the length in 3 int32s. */
const PACKED_CHARS = 11;
/** Longest key whose chars find() copies to its scratch (a longer one is read from the string again). */
const MAX_SCRATCH = 1 << 12;

export interface KeyTableOptions {
  /** Keep keys as UTF-8 bytes in `arena` (starts/lens per id) instead of strings in `keys`. */
  bytes?: boolean;
  /** Bytes per id that the caller keeps in arrays of idCapacity entries (counted in heldBytes/growthBytes). */
  bytesPerId?: number;
  /**
   * Each slot also holds a number, `values[at]` after a find that hit or an insert: a count kept there is
   * read with the slot a lookup reads anyway, rather than from an array by id (one cache miss less a hit).
   */
  slotValues?: boolean;
}

export class KeyTable {
  /** keys[id]: the distinct keys in the order they were first added (empty in bytes mode). */
  keys: string[] = [];
  /** Bytes mode: key id's UTF-8 bytes are arena[starts[id], starts[id] + lens[id]). */
  arena: RunBuffer;
  starts: Uint32Array;
  lens: Uint32Array;
  private arenaUsed = 0;
  private readonly bytes: boolean;
  private readonly bytesPerId: number;
  private count = 0;
  /** hashes[id]: FNV-1a 32 (signed) over the chars of keys[id]. */
  hashes: Int32Array;
  /** slotValues: the slots' numbers (a view of their memory); the key found or inserted last has values[at]. */
  values: Float64Array;
  at = 0;
  /** Int32s per slot: 4, or 6 with a value (its float64 at int32s 4-5, so values index slot * 3 + 2). */
  private readonly stride: number;
  /**
   * 4 int32s per slot: w0, w1, w2, id + 1 (0 = empty). A packed key: chars 0-3, 4-7, 8-10 little-endian
   * and the length in w2's top byte (≤ 11, so w2 ≥ 0). Any other key: its hash, the arena offset of its
   * bytes (bytes mode; else 0), and ~length (< 0), so keys of other lengths are passed over unread. Load ≤ 3/4.
   * With slotValues, then the slot's value (two int32s).
   */
  private slots: Int32Array;
  private mask: number;
  private probeSlot = 0;
  private probeHash = 0;
  private probeW0 = 0;
  private probeW1 = 0;
  private probeW2 = 0;
  /** The chars of the key find() saw last, as bytes (bytes mode: an ASCII key's are its UTF-8). */
  private scratch = new Uint8Array(64);
  /** That key's length when it is ASCII and all its chars are in scratch; else -1. A number, not the key:
   * storing each fresh key string in this long-lived table would cost a write barrier per lookup. */
  private copied = -1;

  constructor(capacity = 1 << 10, o: KeyTableOptions = {}) {
    let cap = 16;
    while (3 * cap < 4 * capacity) cap *= 2;
    this.stride = o.slotValues === true ? 6 : 4;
    this.slots = new Int32Array(this.stride * cap);
    this.values = new Float64Array(o.slotValues === true ? this.slots.buffer : new ArrayBuffer(0));
    this.mask = cap - 1;
    const ids = Math.max(16, capacity);
    this.hashes = new Int32Array(ids);
    this.bytes = o.bytes === true;
    this.bytesPerId = o.bytesPerId ?? 0;
    this.starts = new Uint32Array(this.bytes ? ids : 0);
    this.lens = new Uint32Array(this.bytes ? ids : 0);
    this.arena = allocRunBuffer(this.bytes ? Math.max(64, 8 * ids) : 0);
  }

  get size(): number {
    return this.count;
  }

  /** Ids the per-id arrays hold before they grow. */
  get idCapacity(): number {
    return this.hashes.length;
  }

  /** Bytes held by the table's own arrays (keys' strings not included). */
  get tableBytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + 8 * this.keys.length;
  }

  /** Bytes mode: everything the table holds, caller's per-id arrays included. */
  get heldBytes(): number {
    return this.slots.byteLength + (12 + this.bytesPerId) * this.hashes.length + this.arena.length;
  }

  /** Bytes mode: what adding one more key of `chars` chars would allocate (0 when it fits as is). */
  growthBytes(chars: number): number {
    let grow = 0;
    if (4 * (this.count + 1) > 3 * this.mask) grow += this.slots.byteLength;
    if (this.count >= this.hashes.length) grow += (12 + this.bytesPerId) * this.hashes.length;
    if (this.arenaUsed + 3 * chars > this.arena.length) grow += Math.max(this.arena.length, this.arenaUsed + 3 * chars - this.arena.length);
    return grow;
  }

  /** The key of id (bytes mode: decoded from its bytes, for messages and group functions). */
  keyAt(id: number): string {
    return this.bytes ? this.arena.utf8Slice(this.starts[id], this.starts[id] + this.lens[id]) : this.keys[id];
  }

  /** The id of key, or -1 when absent; then insert(key) adds it where the search ended. */
  find(key: string): number {
    let h = OFFSET | 0; // int32 like the stored hashes (an empty key never goes through Math.imul)
    const n = key.length;
    let w0: number, w1 = 0, w2: number;
    // Bytes mode reads the key's chars once: they are hashed and copied to `scratch`, and an ASCII key is
    // then compared with the arena and kept from there (reading a JS string's chars costs ~5 ns each).
    const sc = n <= this.scratch.length ? this.scratch : this.scratchFor(n);
    let wide = 0;
    if (n <= PACKED_CHARS) {
      w0 = 0;
      w2 = n << 24;
      for (let i = 0; i < n; i++) {
        const c = key.charCodeAt(i);
        h = Math.imul(h ^ c, PRIME);
        wide |= c;
        sc[i] = c;
        if (i < 4) w0 |= c << (i << 3);
        else if (i < 8) w1 |= c << ((i - 4) << 3);
        else w2 |= c << ((i - 8) << 3);
      }
      if (wide > 255) { w0 = h; w1 = 0; w2 = ~n; }
    } else if (sc.length >= n) {
      for (let i = 0; i < n; i++) {
        const c = key.charCodeAt(i);
        h = Math.imul(h ^ c, PRIME);
        wide |= c;
        sc[i] = c;
      }
      w0 = h;
      w2 = ~n;
    } else {
      wide = 0x80; // not copied: compared and kept from the string
      for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), PRIME);
      w0 = h;
      w2 = ~n;
    }
    this.copied = wide < 0x80 ? n : -1;
    const slots = this.slots;
    const mask = this.mask;
    const stride = this.stride;
    let s = h & mask;
    for (;;) {
      const b = s * stride;
      const e = slots[b + 3];
      if (e === 0) break;
      if (slots[b] === w0 && slots[b + 2] === w2
        && (w2 >= 0 ? slots[b + 1] === w1 : this.bytes ? this.sameBytes(e - 1, slots[b + 1], key, wide < 0x80) : this.keys[e - 1] === key)) {
        this.at = (b >> 1) + 2;
        return e - 1;
      }
      s = (s + 1) & mask;
    }
    this.probeSlot = s;
    this.probeHash = h;
    this.probeW0 = w0;
    this.probeW1 = w1;
    this.probeW2 = w2;
    return -1;
  }

  /** The scratch for a key of n chars: grown up to MAX_SCRATCH (a longer key is not copied). */
  private scratchFor(n: number): Uint8Array {
    if (n <= MAX_SCRATCH && this.bytes) this.scratch = new Uint8Array(Math.min(MAX_SCRATCH, Math.max(n, 2 * this.scratch.length)));
    return this.scratch;
  }

  /**
   * Bytes mode: whether id's bytes (from `at` in the arena, which its slot holds) are key's UTF-8; id's key
   * has as many chars as key (its slot says so). Then an ASCII key whose bytes match is id's key, with no
   * look at id's length: id's first key.length bytes being ASCII chars, they are all of its chars. `ascii`:
   * key is ASCII and its chars are in `scratch` (find copied them).
   */
  private sameBytes(id: number, at: number, key: string, ascii: boolean): boolean {
    const arena = this.arena;
    const n = key.length;
    if (ascii) {
      const sc = this.scratch;
      for (let i = 0; i < n; i++) if (arena[at + i] !== sc[i]) return false;
      return true;
    }
    let i = 0;
    for (; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) break;
      if (arena[at + i] !== c) return false;
    }
    if (i === n) return true;
    const len = this.lens[id];
    // Not ASCII: compare the rest as UTF-8, encoded past the arena's used bytes (room is made, not kept).
    this.reserve(3 * (n - i));
    const end = this.arenaUsed + this.arena.utf8Write(key.slice(i), this.arenaUsed);
    const rest = end - this.arenaUsed;
    if (len - i !== rest) return false;
    return this.arena.compare(this.arena, this.arenaUsed, end, at + i, at + len) === 0;
  }

  private reserve(bytes: number): void {
    if (this.arenaUsed + bytes <= this.arena.length) return;
    const grown = allocRunBuffer(Math.max(2 * this.arena.length, this.arenaUsed + bytes));
    this.arena.copy(grown, 0, 0, this.arenaUsed);
    this.arena = grown;
  }

  /** Bytes mode: appends key's UTF-8 bytes to the arena as id's. */
  private keep(id: number, key: string): void {
    const n = key.length;
    this.reserve(3 * n);
    const arena = this.arena;
    const at = this.arenaUsed;
    let len: number;
    if (this.copied === n) {
      // ASCII, its chars in scratch since the find() of this key before this insert.
      const sc = this.scratch;
      for (let i = 0; i < n; i++) arena[at + i] = sc[i];
      len = n;
    } else {
      let i = 0;
      // ASCII inline (most keys); the rest through Node's encoder.
      for (; i < n; i++) {
        const c = key.charCodeAt(i);
        if (c >= 0x80) break;
        arena[at + i] = c;
      }
      len = i === n ? n : arena.utf8Write(key, at);
    }
    this.starts[id] = at;
    this.lens[id] = len;
    this.arenaUsed = at + len;
  }

  /** Adds key, which the last find() did not find, and returns its id (= the size before); `value` is its
   * slot's (slotValues). */
  insert(key: string, value = 0): number {
    const id = this.count++;
    if (id >= this.hashes.length) this.growIds();
    if (this.bytes) this.keep(id, key);
    else this.keys.push(key);
    this.hashes[id] = this.probeHash;
    const b = this.probeSlot * this.stride;
    this.slots[b] = this.probeW0;
    // A key not packed keeps where its bytes start (bytes mode): a lookup compares them with no other read.
    this.slots[b + 1] = this.probeW2 < 0 && this.bytes ? this.starts[id] : this.probeW1;
    this.slots[b + 2] = this.probeW2;
    this.slots[b + 3] = id + 1;
    if (this.stride === 6) {
      this.at = (b >> 1) + 2;
      this.values[this.at] = value;
    }
    if (4 * (id + 1) > 3 * this.mask) this.grow();
    return id;
  }

  private growIds(): void {
    const n = 2 * this.hashes.length;
    const hashes = new Int32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
    if (!this.bytes) return;
    const starts = new Uint32Array(n);
    starts.set(this.starts);
    this.starts = starts;
    const lens = new Uint32Array(n);
    lens.set(this.lens);
    this.lens = lens;
  }

  private grow(): void {
    const old = this.slots;
    const stride = this.stride;
    const cap = 2 * (this.mask + 1);
    const slots = new Int32Array(stride * cap);
    const mask = cap - 1;
    const hashes = this.hashes;
    let at = -1;
    for (let b = 0; b < old.length; b += stride) {
      const e = old[b + 3];
      if (e === 0) continue;
      let s = hashes[e - 1] & mask;
      while (slots[s * stride + 3] !== 0) s = (s + 1) & mask;
      const d = s * stride;
      for (let i = 0; i < stride; i++) slots[d + i] = old[b + i];
      if (e === this.count) at = (d >> 1) + 2; // the key inserted last keeps its `at`
    }
    this.slots = slots;
    this.mask = mask;
    if (stride === 6) {
      this.values = new Float64Array(slots.buffer);
      this.at = at;
    }
  }

  /** slotValues: each key's value by id, into[id] for id < size. */
  valuesById(into: Float64Array): void {
    const slots = this.slots;
    const values = this.values;
    for (let b = 0; b < slots.length; b += 6) {
      const e = slots[b + 3];
      if (e !== 0) into[e - 1] = values[(b >> 1) + 2];
    }
  }

  /** Forgets every key, keeping the arrays' capacity (no churn of large allocations between spills). */
  clear(): void {
    this.keys = [];
    this.count = 0;
    this.arenaUsed = 0;
    this.slots.fill(0);
  }
}
