// --overwrite replaces only an earlier mrpipe output: never the working directory (or a dir above it), never
// a dir holding an input, never a dir without _SUCCESS — unless --force says so. Each refusal leaves the
// dir untouched and nothing beside it. (Issue 16, F20: `-o . --overwrite` deleted the user's files.)
import test from 'ava';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, debrisBeside, emptyDir, inTempDir, tree } from './helpers.ts';

const WC = ['--streaming', 'off', '-q'];

/** dir/p with input.txt and notes.txt: the working directory of the F20 reproduction. */
function project(dir: string): string {
  const p = join(dir, 'p');
  mkdirSync(p);
  writeFileSync(join(p, 'input.txt'), 'x y\n');
  writeFileSync(join(p, 'notes.txt'), 'hi\n');
  return p;
}

test('-o . --overwrite refuses to replace the working directory; its files stay', (t) => inTempDir(async (dir) => {
  const p = project(dir);
  const tmp = emptyDir(dir);
  const r = await cli(['run', 'wordcount', 'input.txt', '-o', '.', '--overwrite', '-T', tmp, ...WC], { cwd: p });
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /is the working directory: --overwrite replaces only an earlier mrpipe output .*--force/);
  t.deepEqual(readdirSync(p).sort(), ['input.txt', 'notes.txt']);
  t.deepEqual(debrisBeside(p), []);
  t.deepEqual(tree(tmp), []);
}));

test('--overwrite refuses a dir above the working directory', (t) => inTempDir(async (dir) => {
  const p = project(dir);
  const sub = join(p, 'sub');
  mkdirSync(sub);
  const r = await cli(['run', 'wordcount', '../input.txt', '-o', '..', '--overwrite', ...WC], { cwd: sub });
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /holds the working directory/);
  t.deepEqual(readdirSync(p).sort(), ['input.txt', 'notes.txt', 'sub']);
}));

test('--overwrite refuses a dir that is not an earlier mrpipe output (no _SUCCESS); --force replaces it', (t) => inTempDir(async (dir) => {
  const p = project(dir);
  const mydata = join(dir, 'mydata');
  mkdirSync(mydata);
  writeFileSync(join(mydata, 'thesis.tex'), 'chapter 1\n');
  const r = await cli(['run', 'wordcount', join(p, 'input.txt'), '-o', mydata, '--overwrite', ...WC]);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /mydata is not an earlier mrpipe output \(it has no _SUCCESS\)/);
  t.is(readFileSync(join(mydata, 'thesis.tex'), 'utf8'), 'chapter 1\n');
  t.deepEqual(debrisBeside(mydata), []);
  const forced = await cli(['run', 'wordcount', join(p, 'input.txt'), '-o', mydata, '--overwrite', '--force', ...WC]);
  t.is(forced.status, 0, forced.stderr);
  t.true(existsSync(join(mydata, '_SUCCESS')));
  t.false(existsSync(join(mydata, 'thesis.tex')));
}));

test('--overwrite refuses an output dir that holds one of the inputs', (t) => inTempDir(async (dir) => {
  const p = project(dir);
  const out = join(dir, 'out');
  t.is((await cli(['run', 'wordcount', join(p, 'input.txt'), '-o', out, ...WC])).status, 0);
  const before = readFileSync(join(out, 'part-00000'));
  const r = await cli(['run', 'wordcount', join(out, 'part-00000'), '-o', out, '--overwrite', ...WC]);
  t.is(r.status, 1, r.stderr);
  t.regex(r.stderr, /holds the input .*part-00000/);
  t.true(readFileSync(join(out, 'part-00000')).equals(before));
  // The same through a glob: the check is made on the expanded inputs.
  const g = await cli(['run', 'wordcount', `${out}/part-*`, '-o', out, '--overwrite', ...WC]);
  t.is(g.status, 1, g.stderr);
  t.regex(g.stderr, /holds the input/);
  t.deepEqual(debrisBeside(out), []);
}));

test('--overwrite still replaces an earlier mrpipe output, and an empty dir', (t) => inTempDir(async (dir) => {
  const p = project(dir);
  const out = join(dir, 'out');
  t.is((await cli(['run', 'wordcount', join(p, 'notes.txt'), '-o', out, ...WC])).status, 0);
  const r = await cli(['run', 'wordcount', join(p, 'input.txt'), '-o', out, '--overwrite', ...WC]);
  t.is(r.status, 0, r.stderr);
  t.regex(readFileSync(join(out, 'part-00000'), 'utf8') + readFileSync(join(out, 'part-00001'), 'utf8'), /x\t1/);
  const empty = emptyDir(dir, 'empty');
  const e = await cli(['run', 'wordcount', join(p, 'input.txt'), '-o', empty, '--overwrite', ...WC]);
  t.is(e.status, 0, e.stderr);
  t.true(existsSync(join(empty, '_SUCCESS')));
}));

test('--force without --overwrite is a usage error', async (t) => {
  const r = await cli(['run', 'wordcount', '-o', '/nonexistent-dir/out', '--force', ...WC], { input: 'a\n' });
  t.is(r.status, 2);
  t.regex(r.stderr, /--force goes with --overwrite/);
});
