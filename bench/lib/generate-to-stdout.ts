// Helper process for the generator case: generate KIND of SIZE bytes [VOCABULARY] to stdout.
import { generateToStream } from '../../lib/generate/index.ts';

const [kind, size, vocabulary] = process.argv.slice(2);
await generateToStream(kind, process.stdout, { size: Number(size), vocabulary: vocabulary ? Number(vocabulary) : undefined });
