// Lint: the recommended JS and typescript-eslint rules, on sources, tests and benchmarks, and the layers:
// imports point down only, plumbing <- operators <- lib/job <- lib/runtime (and lib/generate, lib/demo) <-
// lib/cli; recipes build on lib/job and operators (docs/ARCHITECTURE.md). tests and bench may import anything.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A rule for the files of one folder: no relative import of the folders above it (top-level or lib/). */
function layer(files, above, message) {
  const up = above.join('|');
  // The same path test for import('…'): esquery's regex cannot hold a '/', so it is written \x2F.
  const dynamic = `^\\.{1,2}\\x2F(\\.\\.\\x2F)*(${up.replaceAll('/', '\\x2F')})(\\x2F|$)`;
  return {
    files,
    rules: {
      'no-restricted-syntax': ['error', {
        selector: `ImportExpression[source.value=/${dynamic}/]`,
        message: `layers: ${message} (import() too; imports point down; docs/ARCHITECTURE.md)`,
      }],
      'no-restricted-imports': ['error', {
        patterns: [
          // A relative path whose first folder after the ../ steps is one above this layer: ../../lib/cli/x.ts
          { regex: `^\\.{1,2}/(\\.\\./)*(${up})(/|$)`, message: `layers: ${message} (imports point down; docs/ARCHITECTURE.md)` },
          // The public entry, lib/index.ts, is above every layer.
          ...(files[0].startsWith('lib/') ? [{ regex: '^\\.\\./index\\.ts$', message: 'layers: lib/index.ts is the public entry, above every layer' }] : []),
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/data/', 'coverage/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly',
        TextEncoder: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  layer(['plumbing/**'], ['operators', 'lib', 'recipes'], 'plumbing/ is the bottom layer: it imports no operators/, lib/ or recipes/'),
  layer(['operators/**'], ['lib', 'recipes'], 'operators/ imports only plumbing/, not lib/ or recipes/'),
  layer(['lib/job/**'], ['runtime', 'dask', 'cli', 'generate', 'demo', 'recipes'], 'lib/job imports plumbing/ and operators/ only'),
  layer(['lib/runtime/**'], ['dask', 'cli', 'generate', 'demo', 'recipes'], 'lib/runtime imports lib/job, operators/ and plumbing/, not lib/cli or recipes/'),
  layer(['lib/dask/**'], ['cli', 'generate', 'demo', 'recipes'], 'lib/dask (a runner) imports lib/runtime, lib/job, operators/ and plumbing/, not lib/cli or recipes/'),
  layer(['lib/generate/**'], ['runtime', 'cli', 'demo', 'recipes'], 'lib/generate imports operators/ and plumbing/, not the runners or lib/cli'),
  layer(['lib/demo/**'], ['cli', 'recipes'], 'lib/demo is below lib/cli'),
  layer(['lib/cli/**'], ['recipes'], 'lib/cli does not import recipes/ (it runs them by name through lib/job)'),
  layer(['recipes/**'], ['lib/cli', 'lib/runtime', 'lib/generate', 'lib/demo'], 'recipes import lib/job, operators/ and plumbing/, not lib/cli or the runners'),
);
