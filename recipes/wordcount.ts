// wordcount: word<TAB>count for every word; words are maximal runs of bytes other than ASCII whitespace
// (space, \t, \n, \v, \f, \r) — the same words `tr -s ' \t\n\v\f\r' '\n'` cuts.
// Usage: mrpipe run wordcount FILE...   (the same engine as `mrpipe wordcount FILE...`)
//
// The map is the built-in word split (`words`, also nameable as map: 'words'): with reduce 'sum' the runtime
// runs the job on the word-count engine (bytes hashed in place, no string per word; docs/RUNTIME.md, "The
// word-count engine"). `mrpipe map wordcount` and the other runners call it as the function it is.
import { words } from '../operators/shuffle/keyed/builtins.ts';

export default {
  name: 'wordcount',
  input: 'lines' as const,
  output: 'tsv' as const,
  // Bytes in, bytes out: invalid UTF-8 stays the bytes it is, and keys order like LC_ALL=C sort.
  encoding: 'latin1' as const,
  map: words,
  combine: 'sum' as const,
  reduce: 'sum' as const,
};
