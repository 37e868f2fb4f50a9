// The mrpipe command against the shell tools it replaces: `mrpipe wordcount` on stdin vs
// `tr | sort | uniq -c` and mawk; `mrpipe sort` vs `LC_ALL=C sort` at the same -S 64M; and the logs recipe
// vs an equivalent mawk script. Each with peak RSS (the harness runs every contender under /usr/bin/time).
import type { BenchCase } from '../case.ts';

const GB = 1 << 30;
const MRPIPE = '{node} bin/mrpipe.js';

const wordcount: BenchCase = {
  title: 'cli: cat file | mrpipe wordcount vs tr | sort | uniq -c and mawk (1 GB)',
  input: { kind: 'text', size: GB },
  contenders: [
    { name: 'cat | mrpipe wordcount', command: `cat {input} | ${MRPIPE} wordcount`, peer: false },
    { name: 'cat | mrpipe wordcount --memory 64MB', command: `cat {input} | ${MRPIPE} wordcount --memory 64MB -T {tmp}`, peer: false },
    {
      name: 'LC_ALL=C tr | sort -S 64M | uniq -c',
      command: "LC_ALL=C tr -s ' \\t\\n\\v\\f\\r' '\\n' < {input} | LC_ALL=C sort -S 64M -T {tmp} | LC_ALL=C uniq -c",
      peer: true,
      normalize: "awk 'NF==2{print $2\"\\t\"$1}' | LC_ALL=C sort",
    },
    {
      name: 'mawk associative array',
      command: "LC_ALL=C mawk '{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print w\"\\t\"c[w]}' {input}",
      peer: true,
      normalize: 'LC_ALL=C sort',
    },
  ],
  notes: 'mrpipe wordcount runs on the shuffle operators\' word-count engine (WordCounter, the core of countWords; '
    + 'lib/cli/wordcount/count.ts only adds the CLI\'s messages and progress), on --workers threads (default: cores) '
    + 'through ParallelWordCounter: bytes are hashed while scanned, words live in byte arenas (no string per word), '
    + 'tables beyond --memory (default 256MB) spill radix-sorted binary runs, merged comparing bytes.',
};

const sort: BenchCase = {
  title: 'cli: mrpipe sort vs LC_ALL=C sort, both -S 64M (1 GB)',
  input: { kind: 'text', size: GB },
  contenders: [
    { name: 'mrpipe sort -S 64M (2 threads)', command: `${MRPIPE} sort -S 64M -T {tmp} {input}`, peer: false },
    { name: 'mrpipe sort -S 64M --parallel=1', command: `${MRPIPE} sort -S 64M --parallel=1 -T {tmp} {input}`, peer: false },
    { name: 'LC_ALL=C sort -S 64M', command: 'LC_ALL=C sort -S 64M -T {tmp} {input}', peer: true },
    { name: 'LC_ALL=C sort -S 64M --parallel=1', command: 'LC_ALL=C sort -S 64M --parallel=1 -T {tmp} {input}', peer: true },
  ],
  notes: 'Outputs are compared byte for byte. mrpipe sort without -k/-n/-t runs on the shuffle LineSorter: '
    + 'raw lines copied into a -S byte arena, sorted several bytes per level (2-byte radix, packed 64-bit words), '
    + 'front-coded runs merged by an LCP-aware loser tree (fan-in 16), no string per line; with --parallel 2 (the default on 2 cores) a worker thread sorts and '
    + 'writes one buffer while the next fills and merges every other merge-pass group. Both tools use 2 threads '
    + 'unless --parallel=1.',
};

// The same figures as recipes/logs.ts; only the status and malformed rows are compared (the other sections
// print differently), but the awk does all of the work: per-status counts and bytes, hourly 4xx/5xx, and
// the top 10 IPs and URLs.
const LOGS_AWK = String.raw`LC_ALL=C mawk -F'"' '
BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); for (i = 1; i <= 12; i++) mon[m[i]] = sprintf("%02d", i) }
NF != 7 || $3 !~ /^ [0-9][0-9][0-9] ([0-9]+|-) $/ || $1 !~ /^[^ ]+ [^ ]+ [^ ]+ \[[^]]+\] $/ { if ($0 != "") bad++; next }
{ split($3, sb, " "); st = sb[1]; req[st]++; if (sb[2] != "-") byt[st] += sb[2]
  split($1, a, " "); ip[a[1]]++
  t = a[4]; h = substr(t, 9, 4) "-" mon[substr(t, 5, 3)] "-" substr(t, 2, 2) "T" substr(t, 14, 2)
  hr[h]++; if (st >= 500) e5[h]++; else if (st >= 400) e4[h]++
  split($2, r, " "); u = r[2]; sub(/\?.*/, "", u); url[u]++ }
END {
  for (s in req) printf "status %s\t{\"requests\":%d,\"bytes\":%.0f}\n", s, req[s], byt[s]
  if (bad) printf "malformed\t%d\n", bad
  for (h in hr) printf "errors %s\t%d %d %d %.6f\n", h, hr[h], e4[h], e5[h], (e4[h] + e5[h]) / hr[h]
  for (i in ip) print ip[i], i | "sort -k1,1nr -k2,2 | head -10"; close("sort -k1,1nr -k2,2 | head -10")
  for (u in url) print url[u], u | "sort -k1,1nr -k2,2 | head -10"
}' {input}`;

const logs: BenchCase = {
  title: 'cli: logs recipe vs an equivalent mawk script (1 GB Combined Log Format)',
  input: { kind: 'logs', size: GB },
  contenders: [
    { name: 'mrpipe run logs', command: `${MRPIPE} run logs {input}`, peer: false, normalize: "grep -E '^(status|malformed)' | LC_ALL=C sort" },
    { name: 'mrpipe run logs --workers 1', command: `${MRPIPE} run logs {input} --workers 1`, peer: false, normalize: "grep -E '^(status|malformed)' | LC_ALL=C sort" },
    { name: 'mawk script', command: LOGS_AWK, peer: true, normalize: "grep -E '^(status|malformed)' | LC_ALL=C sort" },
  ],
  notes: 'Compared on the status and malformed rows. mrpipe parses each line with one regular expression, '
    + 'combines map-side, and streams the ip/url sections past a 10-entry heap (secondary sort).',
};

export default [wordcount, sort, logs];
