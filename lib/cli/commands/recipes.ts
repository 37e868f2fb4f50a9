// `mrpipe recipes`: the ready-made jobs, one line each.
import type { Command } from 'commander';
import { RECIPES } from '../../job/catalog.ts';

export function registerRecipes(program: Command): void {
  program
    .command('recipes')
    .description('list the ready-made jobs (run one with: mrpipe run NAME FILE...)')
    .addHelpText('after', '\nExample:\n  mrpipe recipes\n  mrpipe run wordcount books/*.txt')
    .action(() => {
      const width = Math.max(...RECIPES.map((r) => r.name.length));
      let text = '';
      for (const r of RECIPES) {
        text += `${r.name.padEnd(width)}  ${r.summary}${r.params ? ` (${r.params})` : ''}\n`;
      }
      process.stdout.write(text);
    });
}
