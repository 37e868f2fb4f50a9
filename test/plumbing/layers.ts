// The lint rule that holds the layers (eslint.config.js): an import that points up fails the lint, one that
// points down passes. Linted as if the code sat at the given path; no file is written.
import test from 'ava';
import { ESLint } from 'eslint';
import { ROOT } from '../cli/helpers.ts';

const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const upward: Array<[string, string]> = [
  ['plumbing/x.ts', "import { x } from '../operators/shuffle/sorter.ts';"],
  ['plumbing/x.ts', "import { x } from '../lib/cli/errors.ts';"],
  ['operators/shuffle/x.ts', "import { x } from '../../lib/runtime/options.ts';"],
  ['operators/lines/x.ts', "export { x } from '../../recipes/support/params.ts';"],
  ['lib/job/x.ts', "import { x } from '../runtime/keys.ts';"],
  ['lib/job/x.ts', "import type { x } from '../cli/errors.ts';"],
  ['lib/job/x.ts', "import { x } from '../index.ts';"],
  ['lib/runtime/x.ts', "import { x } from '../cli/io.ts';"],
  ['lib/generate/x.ts', "import { x } from '../cli/sizes.ts';"],
  ['lib/cli/commands/x.ts', "import { x } from '../../../recipes/support/catalog.ts';"],
  ['recipes/x.ts', "import { x } from '../lib/cli/errors.ts';"],
  ['recipes/support/x.ts', "import { x } from '../../lib/runtime/run-job.ts';"],
];

const downward: Array<[string, string]> = [
  ['plumbing/x.ts', "import { x } from './sizes.ts';"],
  ['operators/shuffle/x.ts', "import { x } from '../../plumbing/tempdirs.ts';"],
  ['operators/shuffle/x.ts', "import { x } from '../lines/index.ts';"],
  ['lib/job/x.ts', "import { x } from '../../operators/shuffle/sort/compare.ts';"],
  ['lib/runtime/x.ts', "import { x } from '../job/load.ts';"],
  ['lib/cli/commands/x.ts', "import { x } from '../../runtime/run-job.ts';"],
  ['recipes/x.ts', "import type { x } from '../lib/job/types.ts';"],
  ['test/x.ts', "import { x } from '../lib/cli/main.ts';"],
  ['lib/job/x.ts', "import { x } from 'stream-json/lib/x.js';"],
];

test('an import that points up fails the lint, naming the layers', async (t) => {
  for (const [file, source] of upward) {
    const errors = await layerErrors(file, source);
    t.is(errors.length, 1, `${file}: ${source}`);
    t.regex(errors[0] ?? '', /restricted from being used by a pattern. layers: /, `${file}: ${source}`);
  }
});

test('an import that points down (or a package) passes', async (t) => {
  for (const [file, source] of downward) t.deepEqual(await layerErrors(file, source), [], `${file}: ${source}`);
});
