// Every option of a public stage says what it does, as a user's editor shows it: each property of each
// exported *Options type of 'mrpipe/operators' (built .d.ts) carries a doc comment. (CombineOptions.memory,
// ReadChunksOptions.signal and SortLinesOptions.tmpDir/onSpill had none.)
import test from 'ava';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../cli/helpers.ts';

test('mrpipe/operators: every property of every exported *Options type has a doc comment', (t) => {
  const file = path.join(ROOT, 'dist/operators/index.d.ts');
  const program = ts.createProgram([file], { strict: true, types: ['node'], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file} not built (npm run build)`);
  const mod = checker.getSymbolAtLocation(source);
  if (!mod) throw new Error(`${file} is not a module`);
  const undocumented: string[] = [];
  let options = 0;
  for (const sym of checker.getExportsOfModule(mod)) {
    if (!sym.name.endsWith('Options')) continue;
    options++;
    const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(sym));
    for (const p of type.getProperties()) {
      if (ts.displayPartsToString(p.getDocumentationComment(checker)).length < 10) undocumented.push(`${sym.name}.${p.name}`);
    }
  }
  t.true(options >= 10, `${options} Options types exported`);
  t.deepEqual(undocumented, []);
});
