// Shuffle operators: externalSort, combine, partition, reduce, and the run files beneath them.
export {};
