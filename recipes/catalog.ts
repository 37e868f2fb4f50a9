// The ready-made jobs `mrpipe recipes` lists and `mrpipe run NAME` resolves (recipes/NAME.ts).

export interface RecipeInfo {
  name: string;
  /** One line: what it computes. */
  summary: string;
  /** Parameters read from the environment (set them with `mrpipe run -D NAME=VALUE` or Hadoop's -cmdenv). */
  params?: string;
}

export const RECIPES: readonly RecipeInfo[] = [
  { name: 'wordcount', summary: 'word<TAB>count for every whitespace-separated word' },
];

/** The catalog entry for `name`, or undefined. */
export function findRecipe(name: string): RecipeInfo | undefined {
  return RECIPES.find((r) => r.name === name);
}
