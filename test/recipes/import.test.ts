// The recipes as a consumer gets them: `import('mrpipe/recipes/NAME')` through package.json "exports"
// (self-reference, so it resolves exactly as in a project that installed mrpipe) lands on
// dist/recipes/NAME.js with its .d.ts; the factories it exports, given options in code, run under runJob.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { runJob, type JobSpec } from '../../lib/index.ts';
import { RECIPES } from '../../lib/job/catalog.ts';
import { ROOT, tempDir } from '../cli/helpers.ts';

// Specifiers in variables: the type checker does not need dist/ (the modules are typed from the sources).
type Recipe<N extends string> = N extends 'top' ? typeof import('../../recipes/top.ts')
  : N extends 'distinct' ? typeof import('../../recipes/distinct.ts')
  : N extends 'join' ? typeof import('../../recipes/join.ts')
  : N extends 'activity' ? typeof import('../../recipes/activity.ts')
  : N extends 'logs' ? typeof import('../../recipes/logs.ts')
  : { default: JobSpec };
const load = async <N extends string>(name: N): Promise<Recipe<N>> => {
  const spec = `mrpipe/recipes/${name}`;
  return (await import(spec)) as Recipe<N>;
};

let dir: string;
let cleanup: () => void;
test.before(() => ({ dir, cleanup } = tempDir()));
test.after.always(() => cleanup());

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

/** runJob in this process (a job object), output collected from a Writable. */
async function run(job: JobSpec, inputs: string[], streaming: boolean | 'auto' = 'auto'): Promise<string> {
  const chunks: Buffer[] = [];
  const output = new Writable({ write(c: Buffer, _e, cb) { chunks.push(Buffer.from(c)); cb(); } });
  await runJob(job, { inputs, output, streaming, mapTasks: streaming === true ? 2 : undefined, handleSignals: false });
  return Buffer.concat(chunks).toString();
}

test('package.json exports map mrpipe/recipes/NAME to dist/recipes/NAME.js and its types; every recipe imports', async (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  t.deepEqual(pkg.exports['./recipes/*'], { types: './dist/recipes/*.d.ts', default: './dist/recipes/*.js' });
  t.true(pkg.files.includes('dist'));
  for (const { name } of RECIPES) {
    const js = path.join(ROOT, 'dist', 'recipes', `${name}.js`);
    t.is(import.meta.resolve(`mrpipe/recipes/${name}`), pathToFileURL(js).href, name);
    t.true(fs.existsSync(js) && fs.existsSync(path.join(ROOT, 'dist', 'recipes', `${name}.d.ts`)), `${name}: .js and .d.ts built`);
    const job = (await load(name)).default as { name?: string; map?: unknown };
    t.is(job.name, name);
    t.is(typeof job.map, 'function', name);
  }
  const root = (await import(['mrpipe'][0])) as typeof import('../../lib/index.ts');
  t.is(typeof root.runJob, 'function', "runJob from 'mrpipe'");
});

test('top({k, words}) and top({k, field, separator}): count descending, then key', async (t) => {
  const { top } = await load('top');
  const words = file('words.txt', 'b a b\nc b a\nd\n');
  t.is(await run(top({ k: 2, words: true }), [words]), 'b\t3\na\t2\n');
  const csv = file('fields.csv', '1,x\n2,y\n3,x\n4\n5,z,q\n');
  t.is(await run(top({ k: 2, field: 2, separator: ',' }), [csv]), 'x\t2\ny\t1\n');
  t.is(await run(top({ k: 2, field: 2, separator: ',' }), [csv], true), 'x\t2\ny\t1\n', 'streaming, 2 map tasks');
});

test('distinct({field, separator})', async (t) => {
  const { distinct } = await load('distinct');
  const f = file('d.txt', 'a  x\nb\ty\nc x\nlone\n');
  t.is(await run(distinct({ field: 2, separator: /[ \t]+/ }), [f]), 'x\ny\n');
});

test('join({left, type}): right and full, TSV and JSONL', async (t) => {
  const { join } = await load('join');
  const users = file('users.tsv', 'u1\tAnn\nu2\tBob\nu4\tDan\n');
  const orders = file('orders.tsv', 'u1\to1\nu3\to2\nu1\to3\n');
  t.is(await run(join({ left: 'users', type: 'right' }), [users, orders]), 'u1\tAnn\to1\nu1\tAnn\to3\nu3\t\to2\n');
  t.is(await run(join({ left: 'users', type: 'full' }), [users, orders]), 'u1\tAnn\to1\nu1\tAnn\to3\nu2\tBob\t\nu3\t\to2\nu4\tDan\t\n');
  const ju = file('users.jsonl', '{"id":"u1","name":"Ann"}\n{"id":"u2","name":"Bob"}\n');
  const jo = file('orders.jsonl', '{"id":"u1","order":"o1"}\n{"id":"u3","order":"o2"}\n');
  t.is(await run(join({ left: 'users', type: 'right' }), [ju, jo], true),
    'u1\t{"id":"u1","name":"Ann","order":"o1"}\nu3\t{"id":"u3","order":"o2"}\n');
  t.is(await run(join({ left: 'users', type: 'full' }), [ju, jo]),
    'u1\t{"id":"u1","name":"Ann","order":"o1"}\nu2\t{"id":"u2","name":"Bob"}\nu3\t{"id":"u3","order":"o2"}\n');
  t.throws(() => join({ left: 'users', type: 'outer' as 'full' }), { message: /inner, left, right or full/ });
});

test('activity(gapMinutes) and logs(k)', async (t) => {
  const { activity } = await load('activity');
  const ev = file('ev.jsonl', '{"ts":"2026-01-01T10:00:00Z","user":"a","event":"x"}\n{"ts":"2026-01-01T12:45:00+02:00","user":"a","event":"x"}\n');
  const rows = 'dau 2026-01-01\t1\nevents a\t{"x":2}\nsessions a\t';
  t.is(await run(activity(60), [ev]), `${rows}{"sessions":1,"events":2,"longestMinutes":45}\n`);
  t.is(await run(activity(), [ev]), `${rows}{"sessions":2,"events":2,"longestMinutes":0}\n`);
  const { logs } = await load('logs');
  const line = (url: string): string => `10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "GET ${url} HTTP/1.1" 200 5 "-" "ua"\n`;
  const out = await run(logs(1), [file('a.log', line('/a?q=1') + line('/a') + line('/b'))]);
  t.regex(out, /^top-url 1\t\{"url":"\/a","requests":2\}$/m);
  t.notRegex(out, /top-url 2/);
});
