// The ```ts blocks of README.md and docs/*.md, as files a user would paste into a project. A fence's info
// string says what the test does with a block: ```ts is typechecked and run; ```ts compile-only is
// typechecked only (it needs data or services a test cannot have); ```ts signature is reference text, not
// code, and is skipped.
import fs from 'node:fs';
import path from 'node:path';

export interface Snippet {
  /** Where it comes from: `README.md:42` (the line of its opening fence). */
  where: string;
  /** File name in the temp project: the block's `// name.ts` first line, else snippet-N.ts. */
  file: string;
  code: string;
  run: boolean;
}

const FENCE = /^```ts(?:\s+(compile-only|signature))?\s*$/;

/** The ```ts blocks of one markdown file. */
export function snippetsOf(mdPath: string, root: string): Snippet[] {
  const lines = fs.readFileSync(mdPath, 'utf8').split('\n');
  const rel = path.relative(root, mdPath);
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i].startsWith('```')) body.push(lines[i]);
    if (m[1] === 'signature') continue;
    const named = /^\/\/ ([\w.-]+\.ts)$/.exec(body[0] ?? '');
    const file = named ? named[1] : `${rel.replace(/[^\w]+/g, '_')}_${start + 1}.ts`;
    out.push({ where: `${rel}:${start + 1}`, file, code: body.join('\n') + '\n', run: m[1] !== 'compile-only' });
  }
  return out;
}

/** Every snippet of README.md and docs/*.md. */
export function allSnippets(root: string): Snippet[] {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
  return [path.join(root, 'README.md'), ...docs.map((f) => path.join(root, 'docs', f))].flatMap((f) => snippetsOf(f, root));
}
