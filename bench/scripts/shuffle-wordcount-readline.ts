// word count peer: Node readline + Map, the way most Node scripts do it. Prints "count word" lines.
//   node bench/scripts/shuffle-wordcount-readline.ts INPUT
import fs from 'node:fs';
import readline from 'node:readline';

const counts = new Map<string, number>();
const rl = readline.createInterface({ input: fs.createReadStream(process.argv[2], { encoding: 'latin1' }), crlfDelay: Infinity });
for await (const line of rl) {
  for (const w of line.split(/[ \t]+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
}
let out = '';
for (const [w, c] of counts) {
  out += `${c} ${w}\n`;
  if (out.length > 1 << 20) {
    process.stdout.write(Buffer.from(out, 'latin1'));
    out = '';
  }
}
process.stdout.write(Buffer.from(out, 'latin1'));
