// The ready-made jobs `mrpipe recipes` lists and `mrpipe run NAME` resolves (recipes/NAME.ts, see load.ts recipeUrl).

export interface RecipeInfo {
  name: string;
  /** One line: what it computes. */
  summary: string;
  /** Parameters read from the environment (set them with `mrpipe run -D NAME=VALUE` or Hadoop's -cmdenv). */
  params?: string;
}

export const RECIPES: readonly RecipeInfo[] = [
  { name: 'wordcount', summary: 'word<TAB>count for every whitespace-separated word, in byte order' },
  { name: 'distinct', summary: 'each distinct line or field once, in byte order (sort -u)', params: 'MRPIPE_FIELD, MRPIPE_SEP' },
  { name: 'top', summary: 'the K most frequent lines, fields or words with counts, in bounded memory', params: 'MRPIPE_TOP, MRPIPE_FIELD, MRPIPE_SEP, MRPIPE_WORDS' },
  { name: 'invertedindex', summary: 'word → sorted list of file:line where it occurs' },
  { name: 'logs', summary: 'Combined Log Format: requests/bytes per status, top URLs and IPs, hourly 4xx/5xx rate, malformed lines', params: 'MRPIPE_TOP' },
  { name: 'activity', summary: 'JSONL events: events per user and type, daily active users, 30-minute sessions per user', params: 'MRPIPE_SESSION_GAP_MINUTES' },
  { name: 'join', summary: 'reduce-side equi-join of two TSV or JSONL inputs on a key field (side from the file name)', params: 'MRPIPE_LEFT, MRPIPE_KEY, MRPIPE_JOIN' },
];

/** The catalog entry for `name`, or undefined. */
export function findRecipe(name: string): RecipeInfo | undefined {
  return RECIPES.find((r) => r.name === name);
}
