// The per-line job's one piece of real work, shared by every contender so only the plumbing differs:
// the number of words in a line, words being runs of anything but ASCII whitespace.
export function countWords(line: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return words;
}

/** The job: keep lines with more than this many words, sum their word counts. */
export const MIN_WORDS = 10;

export function inputPath(): string {
  const file = process.argv[2];
  if (!file) {
    console.error(`usage: node ${process.argv[1]} INPUT`);
    process.exit(2);
  }
  return file;
}
