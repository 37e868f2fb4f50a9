// mrpipe generate and mrpipe demo as commands: flags, determinism through the CLI, usage errors, EPIPE.
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, sh, tempDir, MRPIPE } from './helpers.ts';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

test('generate: same kind, size and seed give the same bytes; -o writes the same; size is exact to the line', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const a = await mrpipe(['generate', 'logs', '--size', '64KB', '--seed', '5']);
    const b = await mrpipe(['generate', 'logs', '--size', '64KB', '--seed', '5']);
    const c = await mrpipe(['generate', 'logs', '--size', '64KB', '--seed', '6']);
    t.is(a.status, 0, a.stderr);
    t.is(sha(a.stdout), sha(b.stdout));
    t.not(sha(a.stdout), sha(c.stdout));
    t.true(a.stdout.length <= 65536 && a.stdout.length > 60000);
    t.is(a.stdout[a.stdout.length - 1], 10);
    const file = path.join(dir, 'x.log');
    t.is((await mrpipe(['generate', 'logs', '--size', '64KB', '--seed', '5', '-o', file])).status, 0);
    t.is(sha(fs.readFileSync(file)), sha(a.stdout));
  } finally {
    cleanup();
  }
});

test('generate: usage errors exit 2', async (t) => {
  for (const [args, re] of [
    [['generate', 'pictures', '--size', '1KB'], /unknown kind 'pictures'/],
    [['generate', 'text'], /--size is required/],
    [['generate', 'text', '--size', 'big'], /--size: 'big' is not a size/],
    [['generate', 'logs', '--size', '1KB', '--malformed', '2'], /share between 0 and 1/],
  ] as Array<[string[], RegExp]>) {
    const r = await mrpipe(args);
    t.is(r.status, 2, args.join(' '));
    t.regex(r.stderr, re);
  }
});

test('generate | head ends quietly with status 0; generate | run activity works end to end', (t) => {
  t.is(sh(`${MRPIPE} generate text --size 50MB | head -1 > /dev/null; echo "\${PIPESTATUS[0]}"`).toString().trim(), '0');
  const out = sh(`${MRPIPE} generate activity --size 256KB | ${MRPIPE} run activity`).toString();
  t.regex(out, /^dau \d{4}-\d{2}-\d{2}\t\d+$/m);
  t.regex(out, /^sessions u\d+\t\{"sessions":\d+/m);
});

test('demo: bad flags exit 2 before anything is generated', async (t) => {
  const r = await mrpipe(['demo', '--sizes', ',']);
  t.is(r.status, 2);
  t.regex(r.stderr, /--sizes/);
  const w = await mrpipe(['demo', '--workers', '0']);
  t.is(w.status, 2);
  for (const size of ['big', '0']) {
    const c = await mrpipe(['demo', '--capped-size', size, '--sizes', '1KB', '--dir', '/nonexistent/mrpipe-demo']);
    t.is(c.status, 2, size);
    t.regex(c.stderr, /capped/);
  }
});
