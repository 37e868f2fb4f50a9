// KIND logs: Apache/Nginx Combined Log Format lines,
//   %h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
// Clients, URLs, referers and user agents are Zipf-distributed over fixed tables; timestamps advance by
// exponential gaps whose mean follows the time of day (about LINES_PER_DAY lines a day, so a GB spans weeks);
// status codes follow a baseline mix plus bursts: 5xx outages and 4xx scanner runs from one client.
// A `malformed` share of lines is replaced by broken ones (truncated, garbage, unbalanced quote).
import { buildAlias, sampleAlias, zipfWeights, type AliasTable } from './alias.ts';
import { byteTable, writeRow, writeUint, type ByteTable } from './ascii.ts';
import { DAY_MS, EPOCH_MS, exponentialTable, writeClfTime } from './clock.ts';
import type { LineSource } from './line-source.ts';
import { Sfc32 } from './prng.ts';

export interface LogsOptions {
  seed: number;
  /** Share of malformed lines, 0..1. Default 0. */
  malformed: number;
}

export const LINES_PER_DAY = 100_000;
/** Baseline status mix (normal traffic). Outages add 5xx, scanners add 404/403 on top. */
export const STATUS_MIX: ReadonlyArray<[number, number]> = [
  [200, 0.86], [304, 0.05], [301, 0.015], [302, 0.015], [404, 0.04], [403, 0.005], [401, 0.005], [400, 0.002],
  [500, 0.004], [502, 0.002], [503, 0.002],
];
const OUTAGE_START = 1 / 20_000, OUTAGE_MEAN_LINES = 300, OUTAGE_5XX_SHARE = 0.6;
const SCAN_START = 1 / 6_000, SCAN_MEAN_LINES = 150, SCAN_SHARE = 0.7;

// Relative traffic per hour of day (UTC), quiet at night, peaking in the afternoon.
const HOURLY = [0.35, 0.25, 0.2, 0.18, 0.2, 0.3, 0.5, 0.8, 1.1, 1.3, 1.4, 1.45, 1.5, 1.5, 1.55, 1.6, 1.55, 1.45, 1.35, 1.3, 1.2, 1.0, 0.75, 0.5];

const METHODS: ReadonlyArray<[string, number]> = [['GET', 0.86], ['POST', 0.1], ['HEAD', 0.02], ['PUT', 0.01], ['DELETE', 0.007], ['OPTIONS', 0.003]];
const PROTOCOLS: ReadonlyArray<[string, number]> = [['HTTP/1.1', 0.7], ['HTTP/2.0', 0.27], ['HTTP/1.0', 0.03]];
const SCAN_URLS = ['/wp-login.php', '/.env', '/xmlrpc.php', '/.git/config', '/phpmyadmin/index.php', '/admin/config.php',
  '/cgi-bin/luci', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/boaform/admin/formLogin', '/actuator/health'];
const SCAN_UA = 'Mozilla/5.0 zgrab/0.x';
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'curl/8.5.0',
  'python-requests/2.32.3',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Go-http-client/2.0',
  'Mozilla/5.0 (Windows NT 6.1; Win64; x64; Trident/7.0; rv:11.0) like Gecko',
  'Wget/1.21.4',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
];
const EXTERNAL_REFERERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://t.co/',
  'https://www.facebook.com/', 'https://news.ycombinator.com/', 'https://www.reddit.com/', 'https://search.yahoo.com/'];
const SITE = 'https://www.example.com';
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'garden', 'kitchen', 'lamp', 'river', 'stone', 'summer', 'winter', 'coffee',
  'desk', 'chair', 'shoes', 'jacket', 'camera', 'phone', 'cable', 'book', 'guitar', 'bike', 'tent', 'watch'];
const CATEGORIES = ['electronics', 'home', 'garden', 'books', 'music', 'sports', 'outdoor', 'fashion', 'toys', 'office'];

interface UrlTable { table: ByteTable; size: Float64Array; alias: AliasTable }

/** A long tail of site URLs (Zipf over ranks), each with a typical response size. */
function buildUrls(rng: Sfc32, n: number): UrlTable {
  const fixed: Array<[string, number]> = [['/', 18000], ['/index.html', 18000], ['/static/css/main.css', 42000],
    ['/static/js/app.js', 310000], ['/favicon.ico', 4286], ['/robots.txt', 120], ['/api/v1/session', 310], ['/login', 9000],
    ['/cart', 12000], ['/search', 15000], ['/sitemap.xml', 52000], ['/static/img/logo.png', 24000]];
  const rows: string[] = [], sizes: number[] = [];
  for (const [u, s] of fixed) { rows.push(u); sizes.push(s); }
  while (rows.length < n) {
    const w = WORDS[rng.below(WORDS.length)], w2 = WORDS[rng.below(WORDS.length)];
    const id = 1 + rng.below(99999);
    switch (rng.below(7)) {
      case 0: rows.push(`/products/${id}`); sizes.push(20000 + rng.below(40000)); break;
      case 1: rows.push(`/category/${CATEGORIES[rng.below(CATEGORIES.length)]}?page=${1 + rng.below(40)}`); sizes.push(25000 + rng.below(30000)); break;
      case 2: rows.push(`/blog/${2019 + rng.below(7)}/${w}-${w2}-${id % 1000}`); sizes.push(30000 + rng.below(60000)); break;
      case 3: rows.push(`/api/v1/items/${id}`); sizes.push(200 + rng.below(3000)); break;
      case 4: rows.push(`/static/img/${w}-${id}.jpg`); sizes.push(15000 + rng.below(400000)); break;
      case 5: rows.push(`/search?q=${w}+${w2}`); sizes.push(12000 + rng.below(20000)); break;
      default: rows.push(`/api/v1/users/${id}/orders?limit=${10 * (1 + rng.below(5))}`); sizes.push(400 + rng.below(8000)); break;
    }
  }
  return { table: byteTable(rows), size: Float64Array.from(sizes), alias: buildAlias(zipfWeights(n, 1.05)) };
}

function weighted(items: ReadonlyArray<[unknown, number]>): AliasTable {
  return buildAlias(items.map(([, w]) => w));
}

export class LogsSource implements LineSource {
  readonly maxLineBytes: number;
  private readonly rng: Sfc32;
  private readonly malformedCut: number;
  private ms = EPOCH_MS;
  // Burst state: lines left in the current outage / scan, and the scanner's client.
  private outageLeft = 0;
  private scanLeft = 0;
  private scanIp = 0;
  private readonly ips: ByteTable; private readonly ipAlias: AliasTable;
  private readonly users: ByteTable;
  private readonly urls: UrlTable;
  private readonly scanUrls: ByteTable;
  private readonly uas: ByteTable; private readonly uaAlias: AliasTable;
  private readonly refs: ByteTable;
  private readonly methods: ByteTable; private readonly methodAlias: AliasTable;
  private readonly protocols: ByteTable; private readonly protocolAlias: AliasTable;
  private readonly statusAlias: AliasTable;
  private readonly exp = exponentialTable();
  private readonly gapMean: Float64Array;

  constructor(opts: LogsOptions) {
    if (!(opts.malformed >= 0 && opts.malformed <= 1)) throw new RangeError(`malformed must be a share in [0, 1], got ${opts.malformed}`);
    this.malformedCut = Math.floor(opts.malformed * 4294967296);
    this.rng = new Sfc32(opts.seed, 2);
    const tables = new Sfc32(opts.seed, 3); // table contents depend on the seed too, but not on the line stream
    const ipRows: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = tables.next();
      ipRows.push(`${1 + ((v >>> 24) % 223)}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${1 + ((v & 255) % 254)}`);
    }
    this.ips = byteTable(ipRows); this.ipAlias = buildAlias(zipfWeights(ipRows.length, 1.1));
    const names = ['-'];
    const syll = ['an', 'bo', 'ca', 'de', 'el', 'fi', 'go', 'ha', 'ji', 'ko', 'li', 'ma', 'no', 'pe', 'ra', 'si', 'to', 'vi'];
    for (let i = 0; i < 400; i++) names.push(syll[tables.below(syll.length)] + syll[tables.below(syll.length)] + (tables.below(100)));
    this.users = byteTable(names);
    this.urls = buildUrls(tables, 5000);
    this.scanUrls = byteTable(SCAN_URLS);
    this.uas = byteTable(USER_AGENTS); this.uaAlias = buildAlias(zipfWeights(USER_AGENTS.length, 1));
    this.refs = byteTable(EXTERNAL_REFERERS);
    this.methods = byteTable(METHODS.map(([m]) => m)); this.methodAlias = weighted(METHODS);
    this.protocols = byteTable(PROTOCOLS.map(([p]) => p)); this.protocolAlias = weighted(PROTOCOLS);
    this.statusAlias = weighted(STATUS_MIX);
    const meanHour = HOURLY.reduce((s, h) => s + h, 0) / 24;
    this.gapMean = Float64Array.from(HOURLY, (h) => (DAY_MS / LINES_PER_DAY) * (meanHour / h));
    this.maxLineBytes = 64 + 30 + 16 + 40 + this.urls.table.maxLength * 2 + SITE.length + 32 + 16 + 12 +
      Math.max(this.uas.maxLength, SCAN_UA.length) + 16;
  }

  nextLine(buf: Buffer, pos: number): number {
    const rng = this.rng, start = pos;
    const hour = Math.floor((this.ms % DAY_MS) / 3600000);
    this.ms += Math.floor(this.exp[rng.next() >>> 20] * this.gapMean[hour]);
    // Bursts start at random and last a geometric number of lines.
    if (this.outageLeft > 0) this.outageLeft--; else if (rng.chance(OUTAGE_START)) this.outageLeft = Math.ceil(this.exp[rng.next() >>> 20] * OUTAGE_MEAN_LINES);
    if (this.scanLeft > 0) this.scanLeft--; else if (rng.chance(SCAN_START)) {
      this.scanLeft = Math.ceil(this.exp[rng.next() >>> 20] * SCAN_MEAN_LINES);
      this.scanIp = rng.below(this.ips.offsets.length - 1);
    }
    const scanning = this.scanLeft > 0 && rng.chance(SCAN_SHARE);
    const ip = scanning ? this.scanIp : sampleAlias(rng, this.ipAlias);
    const method = scanning ? 0 : sampleAlias(rng, this.methodAlias);
    const url = scanning ? -1 - rng.below(SCAN_URLS.length) : sampleAlias(rng, this.urls.alias);
    let status: number;
    if (scanning) status = rng.chance(0.9) ? 404 : 403;
    else if (this.outageLeft > 0 && rng.chance(OUTAGE_5XX_SHARE)) { const u = rng.float(); status = u < 0.5 ? 503 : u < 0.8 ? 502 : 500; }
    else status = STATUS_MIX[sampleAlias(rng, this.statusAlias)][0];

    pos = writeRow(buf, pos, this.ips, ip);
    buf[pos++] = 32; buf[pos++] = 45; buf[pos++] = 32; // " - "
    pos = writeRow(buf, pos, this.users, rng.chance(0.05) ? 1 + rng.below(this.users.offsets.length - 2) : 0);
    buf[pos++] = 32; buf[pos++] = 91; // " ["
    pos = writeClfTime(buf, pos, this.ms);
    buf[pos++] = 93; buf[pos++] = 32; buf[pos++] = 34; // '] "'
    const reqStart = pos;
    pos = writeRow(buf, pos, this.methods, method);
    buf[pos++] = 32;
    pos = url >= 0 ? writeRow(buf, pos, this.urls.table, url) : writeRow(buf, pos, this.scanUrls, -1 - url);
    buf[pos++] = 32;
    pos = writeRow(buf, pos, this.protocols, scanning ? 0 : sampleAlias(rng, this.protocolAlias));
    const reqEnd = pos;
    buf[pos++] = 34; buf[pos++] = 32;
    pos = writeUint(buf, pos, status);
    buf[pos++] = 32;
    // Response bytes: "-" when no body; error pages are small; others vary around the URL's typical size.
    if (status === 304 || method === 2) buf[pos++] = 45;
    else if (status >= 300) pos = writeUint(buf, pos, 150 + rng.below(status >= 500 ? 450 : 900));
    else pos = writeUint(buf, pos, Math.floor(this.urls.size[url] * (0.6 + 0.8 * rng.float())));
    buf[pos++] = 32; buf[pos++] = 34;
    const r = rng.float();
    if (scanning || r < 0.35) buf[pos++] = 45;
    else if (r < 0.85) { pos += buf.write(SITE, pos, 'latin1'); pos = writeRow(buf, pos, this.urls.table, sampleAlias(rng, this.urls.alias)); }
    else pos = writeRow(buf, pos, this.refs, rng.below(EXTERNAL_REFERERS.length));
    buf[pos++] = 34; buf[pos++] = 32; buf[pos++] = 34;
    pos = scanning ? pos + buf.write(SCAN_UA, pos, 'latin1') : writeRow(buf, pos, this.uas, sampleAlias(rng, this.uaAlias));
    buf[pos++] = 34;
    buf[pos++] = 10;
    if (this.malformedCut > 0 && rng.next() < this.malformedCut) return this.breakLine(buf, start, reqStart, reqEnd, pos);
    return pos;
  }

  /** Replaces the line at buf[start..end) by a malformed one that no Combined Log Format parser accepts. */
  private breakLine(buf: Buffer, start: number, reqStart: number, reqEnd: number, end: number): number {
    const rng = this.rng;
    switch (rng.below(3)) {
      case 0: { // truncated inside the request (a writer killed mid-line)
        const pos = reqStart + rng.below(reqEnd - reqStart);
        buf[pos] = 10;
        return pos + 1;
      }
      case 1: { // garbage: printable noise without brackets or quotes
        const len = 8 + rng.below(80);
        for (let i = 0; i < len; i++) buf[start + i] = 35 + rng.below(56); // '#'..'Z'
        buf[start + len] = 10;
        return start + len + 1;
      }
      default: // the request's closing quote lost
        buf.copyWithin(reqEnd, reqEnd + 1, end);
        return end - 1;
    }
  }
}
