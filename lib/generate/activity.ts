// KIND activity: JSON lines {"ts","user","event","page","ms"} in time order. A fixed number of session slots
// run at once; each holds one user's session (a geometric number of events, SESSION_MAX_GAP_MS at most between
// them); when a session ends the slot starts another for a Zipf-chosen user who is not active, no sooner than
// SESSION_MIN_IDLE_MS after that user's last event. So per user, gaps are either ≤ 10 min (same session) or
// ≥ 30 min (a new session), and sessions are recoverable by the usual 30-minute rule.
import { buildAlias, sampleAlias, zipfWeights, type AliasTable } from './alias.ts';
import { byteTable, writeRow, writeUint, type ByteTable } from './ascii.ts';
import { EPOCH_MS, exponentialTable, logNormalTable, writeIsoTime } from './clock.ts';
import type { LineSource } from './line-source.ts';
import { Sfc32 } from './prng.ts';

export interface ActivityOptions {
  seed: number;
  /** Distinct users. Default 100,000. */
  users: number;
}

export const ACTIVITY_DEFAULT_USERS = 100_000;
export const SESSION_MAX_GAP_MS = 10 * 60_000;
export const SESSION_MIN_IDLE_MS = 30 * 60_000;
const SLOTS = 64;
const MEAN_EVENTS = 12;
const MEAN_GAP_MS = 30_000;
const MEAN_IDLE_MS = 3 * 3600_000;

export const EVENTS = ['view', 'click', 'scroll', 'search', 'add_to_cart', 'purchase', 'login', 'logout'] as const;
const MIDDLE_EVENT_WEIGHTS = [0.5, 0.25, 0.1, 0.08, 0.05, 0.02, 0, 0];
const TOPICS = ['shipping', 'returns', 'payment', 'account', 'privacy', 'sizes', 'warranty', 'contact'];
const CATEGORIES = ['electronics', 'home', 'garden', 'books', 'music', 'sports', 'outdoor', 'fashion', 'toys', 'office'];

function buildPages(rng: Sfc32, n: number): string[] {
  const pages = ['/', '/home', '/cart', '/account', '/deals', '/checkout', '/search'];
  for (const c of CATEGORIES) pages.push(`/category/${c}`);
  for (const t of TOPICS) pages.push(`/help/${t}`);
  while (pages.length < n) pages.push(`/products/${1 + rng.below(999_999)}`);
  return pages;
}

export class ActivitySource implements LineSource {
  readonly maxLineBytes = 256;
  private readonly rng: Sfc32;
  private readonly users: number;
  private readonly userAlias: AliasTable;
  private readonly lastMs: Float64Array;
  private readonly active: Uint8Array;
  private readonly slotUser = new Int32Array(SLOTS);
  private readonly slotNext = new Float64Array(SLOTS);
  private readonly slotLeft = new Int32Array(SLOTS);
  private readonly slotFirst = new Uint8Array(SLOTS);
  private readonly pages: ByteTable; private readonly pageAlias: AliasTable;
  private readonly events: ByteTable; private readonly eventAlias: AliasTable;
  private readonly special: number[];
  private readonly exp = exponentialTable();
  private readonly duration = logNormalTable(120, 1.1);

  constructor(opts: ActivityOptions) {
    if (!Number.isSafeInteger(opts.users) || opts.users < SLOTS * 2) throw new RangeError(`users must be an integer ≥ ${SLOTS * 2}, got ${opts.users}`);
    this.users = opts.users;
    this.rng = new Sfc32(opts.seed, 4);
    const pageRows = buildPages(new Sfc32(opts.seed, 5), 5000);
    this.pages = byteTable(pageRows); this.pageAlias = buildAlias(zipfWeights(pageRows.length, 1));
    this.special = ['/search', '/checkout'].map((p) => pageRows.indexOf(p));
    this.events = byteTable([...EVENTS]); this.eventAlias = buildAlias(MIDDLE_EVENT_WEIGHTS);
    this.userAlias = buildAlias(zipfWeights(opts.users, 0.9));
    this.lastMs = new Float64Array(opts.users).fill(-Infinity);
    this.active = new Uint8Array(opts.users);
    for (let s = 0; s < SLOTS; s++) this.startSession(s, EPOCH_MS);
  }

  private gap(mean: number): number {
    return this.exp[this.rng.next() >>> 20] * mean;
  }

  /** Starts a new session in slot s for a user who is not active, at `now` or after that user's idle time. */
  private startSession(s: number, now: number): void {
    const rng = this.rng;
    let user = sampleAlias(rng, this.userAlias);
    for (let tries = 0; this.active[user] && tries < 8; tries++) user = sampleAlias(rng, this.userAlias);
    while (this.active[user]) user = (user + 1) % this.users;
    this.active[user] = 1;
    const idleEnd = this.lastMs[user] + SESSION_MIN_IDLE_MS + this.gap(MEAN_IDLE_MS);
    this.slotUser[s] = user;
    this.slotNext[s] = Math.floor(Math.max(now + this.gap(5_000), idleEnd));
    this.slotLeft[s] = 1 + Math.floor(this.gap(MEAN_EVENTS - 1));
    this.slotFirst[s] = 1;
  }

  nextLine(buf: Buffer, pos: number): number {
    const rng = this.rng;
    let s = 0;
    for (let i = 1; i < SLOTS; i++) if (this.slotNext[i] < this.slotNext[s]) s = i;
    const ms = this.slotNext[s], user = this.slotUser[s];
    const first = this.slotFirst[s] === 1, last = --this.slotLeft[s] === 0;
    let event: number;
    if (first && rng.chance(0.3)) event = 6; // login
    else if (last && !first && rng.chance(0.2)) event = 7; // logout
    else event = first ? 0 : sampleAlias(rng, this.eventAlias);
    const name = EVENTS[event];
    const page = name === 'search' ? this.special[0] : name === 'purchase' ? this.special[1] : sampleAlias(rng, this.pageAlias);

    pos += buf.write('{"ts":"', pos, 'latin1');
    pos = writeIsoTime(buf, pos, ms);
    pos += buf.write('","user":"u', pos, 'latin1');
    pos = writeUint(buf, pos, user);
    pos += buf.write('","event":"', pos, 'latin1');
    pos = writeRow(buf, pos, this.events, event);
    pos += buf.write('","page":"', pos, 'latin1');
    pos = writeRow(buf, pos, this.pages, page);
    pos += buf.write('","ms":', pos, 'latin1');
    pos = writeUint(buf, pos, Math.min(60_000, Math.round(this.duration[rng.next() >>> 20])));
    buf[pos++] = 125; buf[pos++] = 10;

    this.lastMs[user] = ms;
    this.slotFirst[s] = 0;
    if (last) {
      this.active[user] = 0;
      this.startSession(s, ms);
    } else {
      this.slotNext[s] = ms + Math.max(1, Math.min(SESSION_MAX_GAP_MS, Math.floor(this.gap(MEAN_GAP_MS))));
    }
    return pos;
  }
}
