// The public surface as a user's editor sees it: the built .d.ts of 'mrpipe' and 'mrpipe/operators'. Each
// entry names exactly the listed runtime values (internals stay out), every export carries JSDoc, every
// function and class an @example, and the entry files load Node's types themselves.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../cli/helpers.ts';

const OPERATORS = [
  'readChunks', 'planRanges', 'splitLines', 'joinLines', 'map', 'filter', 'flatMap', 'mapAsync', 'pipe', 'pipeSteps',
  'batch', 'unbatch', 'combine', 'reduce', 'aggregate', 'partition', 'partitionStreams', 'externalSort',
  'sortLines', 'countWords', 'wordCountLines',
  'InputError', 'LineTooLongError', 'DiskFullError', 'CorruptRunError', 'capYoungGeneration',
];
const ROOT_API = [
  'VERSION', 'defineJob', 'runJob', 'startJob', 'JobRun', 'submitJob', 'generate', 'generateToFile', 'generateToStream',
  'GenerateStream', 'GENERATOR_VERSION', 'KINDS', 'DEFAULT_SEED', 'runDemo', 'parseSize', 'removeTempDirsOnSignals',
];
/** Errors and constants: documented, but an example would say nothing. */
const NO_EXAMPLE = new Set(['InputError', 'LineTooLongError', 'DiskFullError', 'CorruptRunError', 'VERSION',
  'GENERATOR_VERSION', 'KINDS', 'DEFAULT_SEED', 'JobRun', 'GenerateStream', 'generate', 'generateToFile', 'generateToStream']);

interface Export { name: string; isValue: boolean; doc: string; example: boolean }

function exportsOf(dts: string): Export[] {
  const program = ts.createProgram([dts], { strict: true, types: ['node'], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(dts);
  if (!file) throw new Error(`${dts} not in the program`);
  const mod = checker.getSymbolAtLocation(file);
  if (!mod) throw new Error(`${dts} is not a module`);
  return checker.getExportsOfModule(mod).map((sym) => {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    // A value's docs: its own, or (overloads, call signatures of a typed const) those of its signatures.
    let doc = ts.displayPartsToString(target.getDocumentationComment(checker));
    let tags = target.getJsDocTags(checker);
    if (!doc && target.valueDeclaration) {
      for (const sig of checker.getTypeOfSymbol(target).getCallSignatures()) {
        doc ||= ts.displayPartsToString(sig.getDocumentationComment(checker));
        if (tags.length === 0) tags = sig.getJsDocTags();
      }
    }
    const typeOnly = sym.declarations?.some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) ?? false;
    return {
      name: sym.name,
      isValue: !typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0,
      doc,
      example: tags.some((tg) => tg.name === 'example'),
    };
  });
}

for (const [entry, dts, expected] of [
  ['mrpipe/operators', 'dist/operators/index.d.ts', OPERATORS],
  ['mrpipe', 'dist/lib/index.d.ts', ROOT_API],
] as const) {
  test(`${entry}: exactly the public runtime names, each documented, functions with an example`, (t) => {
    const file = path.join(ROOT, dts);
    t.true(fs.existsSync(file), 'built (npm run build)');
    const all = exportsOf(file);
    const values = all.filter((e) => e.isValue).map((e) => e.name).sort();
    t.deepEqual(values, [...expected].sort(), 'runtime exports');
    t.deepEqual(all.filter((e) => e.doc.length < 20).map((e) => e.name), [], 'exports without JSDoc');
    t.deepEqual(all.filter((e) => e.isValue && !NO_EXAMPLE.has(e.name) && !e.example).map((e) => e.name), [], 'functions without @example');
    t.true(all.length - values.length >= 10, 'the types to write the stages are exported too');
  });

  test(`${entry}: its .d.ts loads Node's types (it names Buffer and node:stream)`, (t) => {
    const text = fs.readFileSync(path.join(ROOT, dts), 'utf8');
    t.regex(text, /^\/\/\/ <reference types="node"/);
  });
}

test('the internals named in issue 12 are not exported by mrpipe/operators at run time', async (t) => {
  const ops = await import(['mrpipe/operators'][0]) as Record<string, unknown>;
  for (const name of ['writeVarint', 'collectYoungGarbage', 'HELPER_COST', 'releaseWordCountBatch', 'Sorter', 'LineSplitter']) {
    t.false(name in ops, name);
  }
  t.is(Object.keys(ops).length, OPERATORS.length);
});
