// mrpipe wordcount vs `tr | sort | uniq -c`, and --top vs `sort | uniq -c | sort -k1,1nr -k2,2`, byte for
// byte on inputs with every kind of separator and non-ASCII bytes; the counting core under random chunk
// boundaries and tiny budgets (spills) against a naive count.
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { countWords, TopWords } from '../../lib/cli/wordcount/count.ts';
import { mrpipe, sh, tempDir, MRPIPE } from './helpers.ts';

let dir: string;
let cleanup: () => void;
let file: string;
test.before(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, 'words.txt');
  const parts: Buffer[] = [];
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const seps = [' ', '\t', '\n', '\v', '\f', '\r', '  ', ' \n'];
  for (let i = 0; i < 40000; i++) {
    const w = Buffer.from(`w${rnd(300) * rnd(30)}`);
    parts.push(rnd(50) === 0 ? Buffer.from([0xc3, 0xa9, rnd(256) | 0x80, 0x00, 0x41]) : w);
    parts.push(Buffer.from(seps[rnd(seps.length)]));
  }
  parts.push(Buffer.from('tail-without-newline'));
  fs.writeFileSync(file, Buffer.concat(parts));
});
test.after.always(() => cleanup());

const ORACLE = (f: string): string =>
  `tr -s ' \\t\\n\\v\\f\\r' '\\n' < '${f}' | sed '/^$/d' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\\t\\1/'`;

test('several files are counted apart: a last word with no newline does not join the next file\'s first (as mawk and run wordcount)', async (t) => {
  const a = path.join(dir, 'a.txt');
  const b = path.join(dir, 'b.txt');
  const c = path.join(dir, 'c.txt');
  fs.writeFileSync(a, 'one word');
  fs.writeFileSync(b, Buffer.from('word\0x q\r'));
  fs.writeFileSync(c, 'word\n');
  // Each file as its own lines: the oracle reads them with a newline after each.
  const joined = path.join(dir, 'abc.txt');
  fs.writeFileSync(joined, Buffer.concat([fs.readFileSync(a), Buffer.from('\n'), fs.readFileSync(b), Buffer.from('\n'), fs.readFileSync(c)]));
  const expected = sh(ORACLE(joined));
  t.regex(expected.toString('latin1'), /^word\t2$/m);
  for (const args of [[a, b, c], ['--top', '10', a, b, c], ['--memory', '16KB', '-T', dir, a, b, c]]) {
    const r = await mrpipe(['wordcount', ...args]);
    t.is(r.status, 0, r.stderr);
    // --top: the same counts, most frequent first, ties in byte order.
    const byCount = (x: string, y: string): number => Number(y.split('\t')[1]) - Number(x.split('\t')[1]) || Buffer.compare(Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1'));
    const want = args[0] === '--top' ? `${expected.toString('latin1').trimEnd().split('\n').sort(byCount).join('\n')}\n` : expected.toString('latin1');
    t.is(r.stdout.toString('latin1'), want, args.join(' '));
  }
  const viaRun = await mrpipe(['run', 'wordcount', a, b, c]);
  t.deepEqual(viaRun.stdout, expected, 'run wordcount agrees');
});

test('wordcount equals tr | sort | uniq -c (file and stdin)', async (t) => {
  const expected = sh(ORACLE(file));
  const r = await mrpipe(['wordcount', file]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout, expected);
  t.deepEqual(sh(`cat '${file}' | ${MRPIPE} wordcount`), expected);
  t.deepEqual(sh(`cat '${file}' | ${MRPIPE} wordcount --memory 16KB -T '${dir}' -`), expected, 'spilled and merged');
});

test('--workers 2 (helper threads, spilling) equals tr | sort | uniq -c; a budget below the minimum is a usage error', async (t) => {
  const big = path.join(dir, 'big.txt');
  const g = await mrpipe(['generate', 'text', '--size', '9MB', '--seed', '5', '--vocabulary', '2000000', '-o', big]);
  t.is(g.status, 0, g.stderr);
  const expected = sh(ORACLE(big));
  const spills = path.join(dir, 'spills');
  fs.mkdirSync(spills);
  const r = await mrpipe(['wordcount', '--workers', '2', '--memory', '40MB', '-T', spills, big]);
  t.is(r.status, 0, r.stderr);
  t.true(r.stdout.equals(expected));
  t.deepEqual(fs.readdirSync(spills), [], 'spill dir removed');
  const small = await mrpipe(['wordcount', '--memory', '8KB', file]);
  t.is(small.status, 2);
  t.regex(small.stderr, /minimum is 16KiB/);
});

test('words around and past the 1 MiB output buffer (written in pieces) equal tr | sort | uniq -c', async (t) => {
  const MiB = 1 << 20;
  const f = path.join(dir, 'long-words.txt');
  // Lengths where word + TAB + count + LF meets the buffer's end, and words spanning two and three buffers;
  // short words between them so the buffer is part full when a long one comes.
  const lengths = [MiB - 40, MiB - 24, MiB - 23, MiB - 1, MiB, MiB + 1, 2 * MiB + 5, 3 * MiB - 24];
  const words = lengths.flatMap((n, i) => [String.fromCharCode(97 + i).repeat(n), `w${i}`]);
  fs.writeFileSync(f, [...words, ...words.slice(0, 5)].join(' ') + '\n');
  const expected = sh(ORACLE(f));
  for (const memory of ['64MB', '1MB']) {
    const r = await mrpipe(['wordcount', '--memory', memory, '-T', dir, f]);
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.equals(expected), `--memory ${memory}`);
  }
});

test('--top N equals sort | uniq -c | sort -k1,1nr -k2,2', async (t) => {
  const expected = sh(`${ORACLE(file)} | awk -F'\\t' '{print $2" "$1}' | sort -k1,1nr -k2,2 | sed -n '1,25p' | awk '{print $2"\\t"$1}'`);
  const r = await mrpipe(['wordcount', '--top', '25', file]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.toString('latin1'), expected.toString('latin1'));
});

test('empty input prints nothing', async (t) => {
  const r = await mrpipe(['wordcount'], ' \n\t\n');
  t.is(r.status, 0);
  t.is(r.stdout.length, 0);
});

function naive(bytes: Buffer): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of bytes.toString('latin1').split(/[ \t\n\v\f\r]+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

test('property: any chunking and budget give the naive counts, in byte order', async (t) => {
  const text = fc.array(fc.constantFrom('a', 'b', 'ab', 'é', '\xff', ' ', '\n', '\t', '\r', 'zz', 'a b'), { maxLength: 200 })
    .map((xs) => Buffer.from(xs.join(''), 'latin1'));
  await fc.assert(fc.asyncProperty(text, fc.array(fc.nat(400), { maxLength: 8 }), fc.constantFrom(1, 4096, 1 << 20),
    async (bytes, cuts, memory) => {
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of [...points, bytes.length]) { chunks.push(bytes.subarray(prev, p)); prev = p; }
      const got: Array<[string, number]> = [];
      const { dir: d, cleanup: c } = tempDir();
      try {
        await countWords((async function* () { yield* chunks; })(), { memory, tmpDir: d }, (w, n) => { got.push([w, n]); });
      } finally { c(); }
      const want = [...naive(bytes)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      t.deepEqual(got, want);
    }), { numRuns: 150 });
});

test('TopWords keeps the N most frequent, ties by word', (t) => {
  const top = new TopWords(3);
  for (const [w, c] of [['d', 2], ['a', 5], ['c', 2], ['b', 2], ['e', 1]] as const) top.add(w, c);
  t.deepEqual(top.sorted(), [['a', 5], ['b', 2], ['c', 2]]);
});
