// Word count over a generated file equals `LC_ALL=C tr -s ' \t' '\n' | sort | uniq -c`, reformatted.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../../lib/index.ts';
import { allLines, checkParts, FIXTURES, tempDir } from './helpers.ts';

function generate(bytes: number, seed: number): string {
  let x = seed;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${i % 7 === 0 ? 'é' : ''}${i % 11 === 0 ? 'Ω' : ''}`);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 1 + Math.floor(rnd() * 12);
    const ws: string[] = [];
    // Zipf-ish: small indexes far more often.
    for (let i = 0; i < n; i++) ws.push(vocab[Math.floor(vocab.length * rnd() ** 3)]);
    const l = ws.join(rnd() < 0.1 ? '\t' : ' ');
    lines.push(l);
    size += l.length + 1;
  }
  return lines.join('\n') + '\n';
}

test('word count equals LC_ALL=C tr | sort | uniq -c on a generated file', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'words.txt');
    writeFileSync(file, generate(3_000_000, 42));
    const gnu = execFileSync('sh', ['-c', `tr -s ' \\t' '\\n' < '${file}' | sort | uniq -c`], {
      env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 1 << 28,
    }).toString('utf8').split('\n').filter((l) => l.trim() !== '')
      .map((l) => { const m = /^\s*(\d+) (.*)$/.exec(l) as RegExpExecArray; return `${m[2]}\t${m[1]}`; });
    const out = join(dir, 'out');
    const r = await runJob(join(FIXTURES, 'wordcount.ts'), {
      inputs: [file], output: out, streaming: true, mapTasks: 4, reducers: 3, workers: 2, memory: '8MB',
    });
    t.is(r.mapTasks, 4);
    t.is(checkParts(out), '');
    t.deepEqual(allLines(out), gnu);
  } finally {
    cleanup();
  }
});
