// Bad input, tried for real through the CLI: each case gives the right output (byte for byte against GNU
// tools) or a clear error naming the file (and line and byte offset where known) with a non-zero exit —
// never a wrong result, never a _SUCCESS beside it.
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runJob } from '../../lib/index.ts';
import {
  byteSortedLines, cli, debrisBeside, emptyDir, gnuSort, gnuWordCount, gnuWordCountLines, inTempDir, LONG, q, scale, sh, sortedLines,
  startCliWhen, tree,
} from './helpers.ts';
import { FAULTY_WORDCOUNT, FIELD_COUNT, writeJob } from './jobs.ts';

/** A line over the 1 MiB default maxLineBytes: 2 MiB by default, 10 MiB under test:long. */
const LONG_LINE = scale(2, 10) * 1024 * 1024;
const LONG_LINE_MB = LONG_LINE >> 20;

/**
 * Runs inputs through every command that reads them and compares with GNU: `mrpipe wordcount`, `mrpipe
 * run` split into small ranges with tiny chunks (streaming) and in memory, and `mrpipe sort`. run and sort
 * run once over all the inputs (one file each: every file ends its last line and its last word, as GNU
 * sort does with several files); the oracles run on the files joined so. When a command differs, each input
 * is run on its own, so the failure names the one that differs.
 */
function agreesWithGnu(t: import('ava').ExecutionContext, inputs: Record<string, Buffer>): Promise<void> {
  return inTempDir(async (dir) => {
    const names = Object.keys(inputs);
    const files = names.map((name, i) => {
      const file = join(dir, `in-${i}.txt`);
      writeFileSync(file, inputs[name]);
      return file;
    });
    const ended = (b: Buffer): Buffer => (b.length === 0 || b[b.length - 1] === 0x0a ? b : Buffer.concat([b, Buffer.from('\n')]));
    const joined = join(dir, 'joined.txt');
    writeFileSync(joined, Buffer.concat(names.map((n) => ended(inputs[n]))));
    const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
    const differs: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (names.length === 1) t.true(ok, `${names[0]}: ${what}`);
      else if (!ok) differs.push(what);
    };
    const expected = gnuWordCount(joined);
    // mrpipe wordcount once per file: over several files it reads them as one stream (a last word without a
    // newline runs into the next file's first), unlike run and sort.
    for (const [i, file] of files.entries()) {
      const wc = await cli(['wordcount', file]);
      t.is(wc.status, 0, wc.stderr);
      check(wc.stdout.equals(gnuWordCount(file)), `mrpipe wordcount = tr | sort | uniq -c (${names[i]})`);
    }
    const out = join(dir, 'out');
    const split = await cli(['run', job, ...files, '-o', out, '--streaming', 'on', '--threshold', '1', '--map-tasks', '3',
      '--chunk-size', '7', '--workers', '2', '--reducers', '2', '-q']);
    t.is(split.status, 0, split.stderr);
    check(JSON.stringify(sortedLines(out)) === JSON.stringify(byteSortedLines(expected)), 'mrpipe run (3 ranges, 7-byte chunks) = GNU');
    const mem = await cli(['run', job, ...files, '--streaming', 'off', '--workers', '1']);
    t.is(mem.status, 0, mem.stderr);
    check(mem.stdout.equals(expected), 'mrpipe run in memory = GNU');
    const sorted = await cli(['sort', ...files]);
    t.is(sorted.status, 0, sorted.stderr);
    check(sorted.stdout.equals(gnuSort(joined)), 'mrpipe sort = sort');
    if (differs.length > 0) {
      t.log(`together: ${differs.join('; ')} differ; each input on its own:`);
      for (const name of names) await agreesWithGnu(t, { [name]: inputs[name] });
      t.fail(`together: ${differs.join('; ')}`);
    }
  });
}

/** 20 000 random bytes, every value, with newlines, spaces and CRs often. */
function randomBytes(): Buffer {
  const buf = Buffer.alloc(20_000);
  let x = 12345;
  for (let i = 0; i < buf.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const r = x >>> 24;
    buf[i] = r < 40 ? 0x0a : r < 60 ? 0x20 : r < 64 ? 0x0d : r;
  }
  return buf;
}

test('an empty file: empty output, exit 0, and a committed empty output dir', async (t) => {
  await agreesWithGnu(t, { 'an empty file': Buffer.alloc(0) });
});

// One run of run (twice) and sort over the five inputs: 8 CLI processes instead of 20.
test('no final newline; CRLF line ends and lone CRs; NUL bytes inside words and lines; invalid UTF-8 keeps every byte (latin1 job, wordcount, sort); random bytes of every value', async (t) => {
  await agreesWithGnu(t, {
    'no final newline': Buffer.from('a b\nc a\nlast word'),
    'CRLF line ends and lone CRs': Buffer.from('a b\r\nc\ra\r\n\r\nx\ry\rz\r\r\nend\r'),
    'NUL bytes inside words and lines': Buffer.from('a\0b c\n\0\n\0\0 x\0\nq\0'),
    'invalid UTF-8 keeps every byte': Buffer.from([0x61, 0xff, 0x20, 0x62, 0x0a, 0x61, 0xfe, 0x0a, 0xc3, 0x28, 0x20, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98, 0x80, 0x0a]),
    'random bytes of every value': randomBytes(),
  });
});

test('the wordcount recipe counts invalid UTF-8 words as the bytes they are', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  writeFileSync(file, Buffer.from('a\xff b\na\xfe\n', 'latin1'));
  const r = await cli(['run', 'wordcount', file]);
  t.is(r.status, 0, r.stderr);
  t.true(r.stdout.equals(gnuWordCount(file)), JSON.stringify(r.stdout.toString('latin1')));
}));

test(`a ${LONG_LINE_MB} MB line: wordcount and sort equal GNU; run fails naming file, line and byte offset`, (t) => inTempDir(async (dir) => {
  const file = join(dir, 'long.txt');
  const big = Buffer.alloc(LONG_LINE, 'x');
  writeFileSync(file, Buffer.concat([Buffer.from('a b\n'), big, Buffer.from(' y\nc a\n')]));
  const wc = await cli(['wordcount', file]);
  t.is(wc.status, 0, wc.stderr);
  t.true(wc.stdout.equals(gnuWordCount(file)));
  const sorted = await cli(['sort', '-S', '1M', file]);
  t.is(sorted.status, 0, sorted.stderr);
  t.true(sorted.stdout.equals(gnuSort(file)));
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  const over = await cli(['run', job, file, '-o', out, '--streaming', 'on', '--max-attempts', '1', '--workers', '1']);
  t.is(over.status, 1);
  t.regex(over.stderr, /long\.txt: line 2 \(byte offset 4\) is longer than maxLineBytes/);
  t.false(existsSync(out), 'no output dir');
  t.deepEqual(debrisBeside(out), []);
}));

test(`a ${LONG_LINE_MB} MB line under a raised maxLineBytes gives the right output (runJob)`, (t) => inTempDir(async (dir) => {
  const file = join(dir, 'long.txt');
  writeFileSync(file, Buffer.concat([Buffer.from('a b\n'), Buffer.alloc(LONG_LINE, 'x'), Buffer.from(' y\nc a\n')]));
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  await runJob(job, { inputs: [file], output: out, streaming: true, maxLineBytes: '16MB', chunkSize: '64k', workers: 1, mapTasks: 2, threshold: 1, handleSignals: false });
  t.deepEqual(sortedLines(out), gnuWordCountLines(file));
}));

test(`mrpipe run --max-line-bytes accepts a ${LONG_LINE_MB} MB line`, (t) => inTempDir(async (dir) => {
  const file = join(dir, 'long.txt');
  writeFileSync(file, Buffer.concat([Buffer.alloc(LONG_LINE, 'x'), Buffer.from(' y\n')]));
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const r = await cli(['run', job, file, '--max-line-bytes', '16MB']);
  t.is(r.status, 0, r.stderr);
  t.true(r.stdout.equals(gnuWordCount(file)));
}));

test('.gz inputs: good and multi-member ones are read; truncated or corrupt ones fail naming the file', (t) => inTempDir(async (dir) => {
  const text = Array.from({ length: 5000 }, (_, i) => `w${i % 101} v${i % 7}`).join('\n') + '\n';
  const good = gzipSync(text);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const plain = join(dir, 'plain.txt');
  writeFileSync(plain, text + text);
  const multi = join(dir, 'multi.gz');
  writeFileSync(multi, Buffer.concat([good, good]));
  const expected = gnuWordCount(plain);
  for (const args of [['wordcount', multi], ['run', job, multi]]) {
    const r = await cli(args);
    t.is(r.status, 0, r.stderr);
    t.true(r.stdout.equals(expected), `${args[0]} on a two-member .gz`);
  }
  const truncated = join(dir, 'trunc ated.gz');
  writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
  const corrupt = join(dir, 'corrupt.gz');
  const bad = Buffer.from(good);
  for (let i = 20; i < 40; i++) bad[i] ^= 0x5a;
  writeFileSync(corrupt, bad);
  const notGzip = join(dir, 'text.gz');
  writeFileSync(notGzip, text);
  for (const [file, name] of [[truncated, 'trunc ated\\.gz'], [corrupt, 'corrupt\\.gz'], [notGzip, 'text\\.gz']]) {
    const out = join(dir, 'out');
    const commands = [['run', job, file, '-o', out, '-q'], ['wordcount', file], ['sort', file]];
    for (const args of commands) {
      const r = await cli(args);
      t.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      t.regex(r.stderr, new RegExp(name), 'names the file');
      t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
      t.is(r.stdout.length, 0, `${args[0]}: no partial result on stdout`);
    }
    t.false(existsSync(out), 'no output dir');
    t.deepEqual(debrisBeside(out), []);
  }
}));

test('JSONL: a line that is not JSON fails naming file, line and byte; --bad-records skips and counts it', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, '{"k":1}\n{"k":2}\n{"k": oops}\n{"k":1}\n');
  const job = writeJob(dir, 'fc.mjs', FIELD_COUNT);
  const out = join(dir, 'out');
  const r = await cli(['run', job, file, '-o', out]);
  t.is(r.status, 1);
  t.regex(r.stderr, /in\.jsonl line 3 \(byte 16\).*not JSON/);
  t.false(existsSync(out));
  const skip = await cli(['run', job, file, '-o', out, '--bad-records', '1']);
  t.is(skip.status, 0, skip.stderr);
  t.deepEqual(sortedLines(out), ['1\t2', '2\t1']);
  t.is(JSON.parse(readFileSync(join(out, '_COUNTERS.json'), 'utf8')).mrpipe.badRecords, 1);
}));

test('json input that is not one array (object, truncated, trailing data, empty) fails with the byte offset', (t) => inTempDir(async (dir) => {
  const job = writeJob(dir, 'fc.mjs', FIELD_COUNT);
  const env = { MRPIPE_TEST_FORMAT: 'json' };
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ k: i % 3, pad: 'x'.repeat(i % 50) }))));
  const ok = await cli(['run', job, good], { env });
  t.is(ok.status, 0, ok.stderr);
  t.is(ok.stdout.toString(), '0\t1000\n1\t1000\n2\t1000\n');
  for (const [name, content] of [['object.json', '{"k":1}'], ['truncated.json', '[{"k":1},{"k":2}'],
    ['trailing.json', '[{"k":1}] [2]'], ['empty.json', ''], ['scalar.json', '42']]) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const out = join(dir, 'out');
    const r = await cli(['run', job, file, '-o', out], { env });
    t.is(r.status, 1, `${name}: ${r.stderr}`);
    t.regex(r.stderr, new RegExp(`${name.replace('.', '\\.')}: .*byte \\d+`), name);
    t.false(existsSync(out), `${name}: no output`);
  }
}));

test('inline jobs honour --input-format jsonl', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, '{"k":"a"}\n{"k":"b"}\n{"k":"a"}\n');
  const r = await cli(['run', '--map', '(r, emit) => emit(r.k, 1)', '--reduce', 'sum', '--input-format', 'jsonl', file]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString(), 'a\t2\nb\t1\n');
}));

test('a directory as input is refused naming it, by every command', (t) => inTempDir(async (dir) => {
  const sub = join(dir, 'a dir');
  mkdirSync(sub);
  for (const args of [['run', 'wordcount', sub, '-o', join(dir, 'out')], ['wordcount', sub], ['sort', sub]]) {
    const r = await cli(args);
    t.is(r.status, 1, args[0]);
    t.regex(r.stderr, /a dir: is a directory/);
  }
  t.false(existsSync(join(dir, 'out')));
}));

test('a FIFO: run refuses it at once (it cannot be split), wordcount and sort read it like GNU', (t) => inTempDir(async (dir) => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const r = await cli(['run', 'wordcount', fifo, '-o', join(dir, 'out')]);
  t.is(r.status, 1);
  t.regex(r.stderr, /fifo: not a regular file.*stdin/);
  const text = 'b a\nc b\na a\n';
  for (const args of [['wordcount', fifo], ['sort', fifo]]) {
    const writer = spawn('bash', ['-c', `printf %s ${q(text)} > ${q(fifo)}`]);
    const written = new Promise((resolve) => writer.once('exit', resolve));
    const res = await cli(args);
    await written;
    t.is(res.status, 0, res.stderr);
    t.is(res.stdout.toString(), args[0] === 'sort' ? 'a a\nb a\nc b\n' : 'a\t3\nb\t2\nc\t1\n');
  }
}));

/** A file whose first line is WAIT (the job blocks there, after its first chunk was read, until `<file>.go`). */
function slowFirst(file: string, n: number): string {
  const text = 'WAIT\n' + Array.from({ length: n }, (_, i) => `w${i % 1000} line${i}`).join('\n') + '\n';
  writeFileSync(file, text);
  return text;
}

test('a file that shrinks while it is read fails the job (never a partial result with _SUCCESS)', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  slowFirst(file, 60_000);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  const run = await startCliWhen(['run', job, file, '-o', out, '--streaming', 'on', '--chunk-size', '4k', '--workers', '1', '-q'],
    () => existsSync(`${file}.waiting`), 'the map to start');
  sh(`truncate -s 100000 ${q(file)}`);
  writeFileSync(`${file}.go`, '');
  const r = await run.done;
  t.false(existsSync(join(out, '_SUCCESS')), `no _SUCCESS for a partial read: exit ${r.status} ${r.stderr}`);
  t.is(r.status, 1);
  t.regex(r.stderr, /in\.txt.*(shrank|changed|truncated)/);
}));

test('a file that grows while it is read: a clear error, or every line counted once', (t) => inTempDir(async (dir) => {
  const file = join(dir, 'in.txt');
  const before = slowFirst(file, 20_000);
  const job = writeJob(dir, 'wc.mjs', FAULTY_WORDCOUNT);
  const out = join(dir, 'out');
  const run = await startCliWhen(['run', job, file, '-o', out, '--streaming', 'on', '--threshold', '1', '--map-tasks', '3',
    '--chunk-size', '4k', '--workers', '2', '-q'], () => existsSync(`${file}.waiting`), 'the map to start');
  const appended = Array.from({ length: 50 }, (_, i) => `new${i} w1`);
  for (const l of appended) sh(`printf '%s\\n' ${q(l)} >> ${q(file)}`);
  writeFileSync(`${file}.go`, '');
  const r = await run.done;
  if (r.status !== 0) {
    // Refusing is right too: a clear error naming the file, and no output.
    t.is(r.status, 1);
    t.regex(r.stderr, /in\.txt changed while the job read it/);
    t.false(existsSync(out));
    return;
  }
  const got = sortedLines(out);
  // Some whole prefix of the appended lines was seen: find which, and compare exactly.
  const seen = got.filter((l) => l.startsWith('new')).length;
  const ref = join(dir, 'ref.txt');
  writeFileSync(ref, before + appended.slice(0, seen).map((l) => `${l}\n`).join(''));
  t.deepEqual(got, gnuWordCountLines(ref), `${seen} appended lines seen`);
}));

test('paths with spaces and non-ASCII: input, job, output and temp dir', (t) => inTempDir(async (dir) => {
  const base = join(dir, 'mes données ü 日本');
  mkdirSync(base);
  const file = join(base, "it's a fïle — 1.txt");
  writeFileSync(file, 'é è\nnaïve café é\n');
  const job = writeJob(base, 'job ü.mjs', FAULTY_WORDCOUNT);
  const tmp = emptyDir(base, 'tmp ñ');
  const out = join(base, 'out put é');
  const expected = gnuWordCount(file);
  const r = await cli(['run', job, file, '-o', out, '-T', tmp, '--streaming', 'on', '--reducers', '1', '-q']);
  t.is(r.status, 0, r.stderr);
  t.true(readFileSync(join(out, 'part-00000')).equals(expected));
  t.true(existsSync(join(out, '_SUCCESS')));
  t.deepEqual(tree(tmp), []);
  const wc = await cli(['wordcount', '-T', tmp, file]);
  t.true(wc.stdout.equals(expected));
  const sortOut = join(base, 'sorted ü.txt');
  const s = await cli(['sort', '-T', tmp, '-o', sortOut, file]);
  t.is(s.status, 0, s.stderr);
  t.true(readFileSync(sortOut).equals(gnuSort(file)));
  // A missing input with such a name is named exactly in the error.
  const missing = await cli(['run', job, join(base, 'nø such.txt')]);
  t.is(missing.status, 1);
  t.true(missing.stderr.includes('nø such.txt'), missing.stderr);
}));

if (LONG) {
  test('long: 64 MB of random bytes through every command equals GNU', async (t) => {
    const buf = Buffer.alloc(64 * 1024 * 1024);
    let x = 99;
    for (let i = 0; i < buf.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const r = x >>> 24;
      buf[i] = r < 12 ? 0x0a : r < 40 ? 0x20 : r;
    }
    await agreesWithGnu(t, { '64 MB of random bytes': buf });
  });
}
