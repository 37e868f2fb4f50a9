// Recipe fields: MRPIPE_SEP=space means runs of blanks (spaces, tabs) with blanks at the ends ignored —
// awk's default fields, not `cut -d' '` — and nothing else is a blank (byte 0xA0, the end of UTF-8 'à',
// \v and \f stay inside fields).
import test from 'ava';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { mrpipe, sh, tempDir } from '../cli/helpers.ts';
import { fieldOf, separatorParam } from '../../recipes/support/params.ts';

const SPACE = /[ \t]+/;

test('property: fieldOf with the space separator equals awk-style blank splitting', (t) => {
  const line = fc.array(fc.constantFrom(' ', '\t', 'a', 'b', '\xa0', '\v', '\f', ','), { maxLength: 12 }).map((cs) => cs.join(''));
  fc.assert(fc.property(line, fc.integer({ min: 1, max: 5 }), (l, n) => {
    const fields = l.split(SPACE).filter((f) => f !== '');
    return fieldOf(l, n, SPACE) === fields[n - 1];
  }), { numRuns: 5000 });
  t.pass();
});

test('separators: space and blank are runs of blanks; tab, comma and one character are literal', (t) => {
  t.deepEqual([separatorParam('X_UNSET')], ['\t']);
  process.env.X_SEP = 'space';
  t.true(separatorParam('X_SEP') instanceof RegExp);
  process.env.X_SEP = ';';
  t.is(separatorParam('X_SEP'), ';');
  delete process.env.X_SEP;
  t.is(fieldOf('a\t\tb', 2, '\t'), '', 'a literal tab: empty fields count, like cut');
  t.is(fieldOf('  a   b ', 2, SPACE), 'b');
  t.is(fieldOf('a b ', 3, SPACE), undefined);
});

test('distinct -D MRPIPE_SEP=space equals awk \'{print $2}\' | sort -u, not cut -d" " -f2', async (t) => {
  const { dir, cleanup } = tempDir();
  t.teardown(cleanup);
  const file = path.join(dir, 'f.txt');
  fs.writeFileSync(file, Buffer.from('  \t \nx \xc3\xa0\n  a\tb  \nc   d\nsolo\ne  \xa0f\n', 'latin1'));
  const r = await mrpipe(['run', 'distinct', '-D', 'MRPIPE_FIELD=2', '-D', 'MRPIPE_SEP=space', file]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout.toString('latin1'), sh(`awk 'NF >= 2 { print $2 }' '${file}' | sort -u`).toString('latin1'));
  t.not(r.stdout.toString('latin1'), sh(`cut -s -d' ' -f2 '${file}' | sort -u`).toString('latin1'));
});
