// The name of a job's output part p (part-00000, as Hadoop names them).

export function partName(p: number): string {
  return `part-${String(p).padStart(5, '0')}`;
}
