// Shuffle operators: externalSort, combine, partition, reduce, and the run files beneath them.
export * from './codec.ts';
export * from './compare.ts';
export * from './cursor.ts';
export * from './errors.ts';
export * from './gnukeys.ts';
export * from './merge.ts';
export * from './order.ts';
export * from './prefixsort.ts';
export * from './runfile.ts';
export * from './size.ts';
export * from './sorter.ts';
export * from './tempdirs.ts';
