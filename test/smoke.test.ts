import test from 'ava';
import { readFileSync } from 'node:fs';
import { VERSION } from '../lib/index.ts';
import { mrpipe } from './cli/helpers.ts';

test('the package loads; VERSION is package.json\'s, and `mrpipe --version` prints it', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  t.is(VERSION, pkg.version);
  const r = await mrpipe(['--version']);
  t.is(r.stdout.toString().trim(), VERSION);
});
