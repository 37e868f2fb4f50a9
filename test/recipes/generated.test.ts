// Recipes on data from `mrpipe generate` (200 KB of each kind, fixed seeds) through the Hadoop Streaming
// equivalence: map | sort | combine | sort | reduce over several mappers = `mrpipe run` streaming = in memory.
import test from 'ava';
import path from 'node:path';
import { MRPIPE, sh, tempDir } from '../cli/helpers.ts';
import { checkHadoop, run } from './check.ts';

let dir: string;
let cleanup: () => void;
test.before(() => ({ dir, cleanup } = tempDir()));
test.after.always(() => cleanup());

function generate(kind: string, seed: number): string {
  const file = path.join(dir, `${kind}-${seed}`);
  sh(`${MRPIPE} generate ${kind} --size 200KB --seed ${seed} > '${file}'`);
  return file;
}

test('generated text: wordcount equals tr | sort | uniq -c', async (t) => {
  const text = generate('text', 7);
  const out = await checkHadoop(t, 'wordcount', [text], 3);
  t.is(out, sh(`tr -s ' \\t\\n\\v\\f\\r' '\\n' < '${text}' | sed '/^$/d' | sort | uniq -c | sed 's/^ *\\([0-9]*\\) \\(.*\\)$/\\2\\t\\1/'`).toString('latin1'));
});

test('generated logs: logs; distinct client addresses equal cut -d" " -f1 | sort -u', async (t) => {
  const logs = generate('logs', 8);
  t.regex(await checkHadoop(t, 'logs', [logs], 3), /^status 200\t/m);
  const ips = await run(['distinct', logs, '--streaming', 'on', '--map-tasks', '2'], { MRPIPE_FIELD: '1', MRPIPE_SEP: 'space' });
  t.is(ips, sh(`cut -d' ' -f1 '${logs}' | sort -u`).toString('latin1'));
});

test('generated activity: activity', async (t) => {
  const events = generate('activity', 9);
  t.regex(await checkHadoop(t, 'activity', [events], 3), /^sessions u\d+\t\{"sessions":\d+/m);
});
