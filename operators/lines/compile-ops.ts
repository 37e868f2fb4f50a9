// Compiles a run of record operations (map, filter, flatMap) into ONE loop over a batch. The loop is
// generated as source, so each fused pipeline gets its own function whose call sites see only its own
// user functions (monomorphic, inlinable) and no intermediate arrays are built between operations.

export type RecordOp =
  | { kind: 'map'; fn: (record: any) => unknown }
  | { kind: 'filter'; fn: (record: any) => unknown }
  | { kind: 'flatMap'; fn: (record: any) => Iterable<unknown> };

export type BatchFn = (batch: readonly unknown[]) => unknown[];

/** Per-record form: given the output array, a function that runs one record through all ops. */
export type EachFactory = (out: unknown[]) => (record: unknown) => void;

export function compileOps(ops: readonly RecordOp[]): BatchFn {
  return compile(ops, `return function fusedRecords(batch) {
const out = [];
for (let i = 0, n = batch.length; i < n; i++) {
const r0 = batch[i];
BODY
}
return out;
};`) as BatchFn;
}

export function compileEach(ops: readonly RecordOp[]): EachFactory {
  return compile(ops, `return function fusedEach(out) {
return function each(r0) {
BODY
};
};`) as EachFactory;
}

function compile(ops: readonly RecordOp[], template: string): unknown {
  const depth = ops.length;
  let body = `out.push(r${depth});`;
  for (let i = depth - 1; i >= 0; i--) {
    const r = `r${i}`;
    const next = `r${i + 1}`;
    switch (ops[i].kind) {
      case 'map':
        body = `const ${next} = f${i}(${r});\n${body}`;
        break;
      case 'filter':
        body = `if (f${i}(${r})) {\nconst ${next} = ${r};\n${body}\n}`;
        break;
      case 'flatMap':
        // Arrays take an indexed loop; any other iterable is spread once.
        body = `const m${i} = toArray(f${i}(${r}));\n` +
          `for (let j${i} = 0, n${i} = m${i}.length; j${i} < n${i}; j${i}++) {\nconst ${next} = m${i}[j${i}];\n${body}\n}`;
        break;
    }
  }
  const params = ops.map((_, i) => `f${i}`);
  const source = template.replace('BODY', body);
  const factory = new Function('toArray', ...params, source) as (...args: unknown[]) => unknown;
  return factory(toArray, ...ops.map((op) => op.fn));
}

function toArray(values: Iterable<unknown>): readonly unknown[] {
  return Array.isArray(values) ? values : Array.from(values);
}
