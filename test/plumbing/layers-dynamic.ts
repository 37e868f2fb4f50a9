// The layer rule holds import('…') too (no-restricted-syntax in eslint.config.js): a dynamic import that
// points up fails the lint, one that points down or sideways (the runtime's lazy modules) passes.
import test from 'ava';
import { ESLint } from 'eslint';
import { ROOT } from '../cli/helpers.ts';

const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`export const load = () => ${source};\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const cases: Array<[string, string, boolean]> = [
  ['lib/job/x.ts', "import('../runtime/options.ts')", true],
  ['operators/lines/x.ts', "import('../../lib/index.ts')", true],
  ['plumbing/x.ts', "import('../operators/index.ts')", true],
  ['recipes/x.ts', "import('../lib/cli/main.ts')", true],
  ['lib/runtime/x.ts', "import('./in-memory.ts')", false],
  ['lib/cli/x.ts', "import('./commands/sort.ts')", false],
  ['lib/runtime/x.ts', "import('../../operators/lines/index.ts')", false],
  ['lib/runtime/x.ts', "import('stream-json/streamers/stream-array.js')", false],
];

for (const [file, source, up] of cases) {
  test(`${file}: ${source} ${up ? 'fails' : 'passes'} the lint`, async (t) => {
    const errors = await layerErrors(file, source);
    if (up) t.true(errors.length === 1 && errors[0].startsWith('layers: '), errors.join('; '));
    else t.deepEqual(errors, []);
  });
}
