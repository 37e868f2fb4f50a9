// The word count job the runtime benchmarks run: words are maximal runs of bytes other than ASCII
// whitespace (space, \t, \n, \v, \f, \r), read as latin1 so keys sort and print as their exact bytes.
export default {
  name: 'wordcount',
  encoding: 'latin1',
  map(line: string, emit: (word: string, n: number) => void) {
    let start = -1;
    const n = line.length;
    for (let i = 0; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13)) {
        if (start >= 0) { emit(line.slice(start, i), 1); start = -1; }
      } else if (start < 0) start = i;
    }
    if (start >= 0) emit(line.slice(start), 1);
  },
  reduce: 'sum',
};
