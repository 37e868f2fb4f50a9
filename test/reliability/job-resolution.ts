// A recipe name is not shadowed by a file of that name in the working directory (issue 16, F11: a data
// file called `logs` broke `mrpipe run logs`, or ran as job code); a path names the file; --verbose says
// which job was chosen.
import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, inTempDir } from './helpers.ts';

test('a file named like a recipe does not shadow it; ./NAME runs the file; --verbose says which', (t) => inTempDir(async (dir) => {
  // A file that, run as code, leaves a marker.
  writeFileSync(join(dir, 'wordcount'), 'import { writeFileSync } from "node:fs"; writeFileSync("RAN", ""); export default { map() {} };\n');
  for (const cmd of [['run', 'wordcount', '-q'], ['map', 'wordcount']]) {
    const r = await cli([...cmd, '--verbose'], { cwd: dir, input: 'a b a\n' });
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout.toString(), /^a\t/m);
    t.regex(r.stderr, /job wordcount is the recipe .*recipes\/wordcount\.[jt]s; the file \.\/wordcount is not run \(write \.\/wordcount to run it\)/);
    t.false(existsSync(join(dir, 'RAN')), `${cmd[0]}: the file was not run`);
  }
  const byPath = await cli(['run', './wordcount', '--verbose', '-q'], { cwd: dir, input: 'x y\n' });
  t.is(byPath.status, 0, byPath.stderr);
  t.regex(byPath.stderr, /job \.\/wordcount is the file .*\/wordcount\n/);
  t.true(existsSync(join(dir, 'RAN')), 'a path names the file');
}));
