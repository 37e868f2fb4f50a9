// wordcount: word<TAB>count for every word; words are maximal runs of bytes other than ASCII whitespace
// (space, \t, \n, \v, \f, \r) — the same words `tr -s ' \t\n\v\f\r' '\n'` cuts.
// Usage: mrpipe run wordcount FILE...   (or the faster `mrpipe wordcount FILE...`)

const WHITESPACE = /[ \t\n\v\f\r]+/;
const NOT_SPACE_WHITESPACE = /[\t\n\v\f\r]/;

export default {
  name: 'wordcount',
  input: 'lines' as const,
  output: 'tsv' as const,
  // Bytes in, bytes out: invalid UTF-8 stays the bytes it is, and keys order like LC_ALL=C sort.
  encoding: 'latin1' as const,
  map(line: string, emit: (key: string, value: number) => void): void {
    if (NOT_SPACE_WHITESPACE.test(line)) {
      for (const word of line.split(WHITESPACE)) if (word !== '') emit(word, 1);
      return;
    }
    // Only spaces separate words on this line (the common case): an indexOf scan is ~2x faster than the regex split.
    let start = 0;
    for (;;) {
      const sp = line.indexOf(' ', start);
      const end = sp < 0 ? line.length : sp;
      if (end > start) emit(line.slice(start, end), 1);
      if (sp < 0) return;
      start = sp + 1;
    }
  },
  combine: 'sum' as const,
  reduce: 'sum' as const,
};
