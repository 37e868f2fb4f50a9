// DuckDB as a peer (bench only): `node bench/scripts/duckdb.ts sort|wordcount INPUT [TMPDIR]` prints, on
// stdout, the input's lines in byte order, or `word<TAB>count` lines (words split on ASCII blanks, like
// `mrpipe wordcount`). 2 threads and a 256 MB memory limit, spilling to TMPDIR. Lines are read with
// read_csv as one VARCHAR column: no quoting, no escapes, and a separator byte the real corpus never holds.
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, input, tmp = '/tmp'] = process.argv.slice(2);
if ((mode !== 'sort' && mode !== 'wordcount') || !input) {
  process.stderr.write('usage: duckdb.ts sort|wordcount INPUT [TMPDIR]\n');
  process.exit(2);
}
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const lines = `read_csv(${quote(input)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', `
  + `quote = '', escape = '', auto_detect = false, strict_mode = false)`;
const query = mode === 'sort'
  ? `SELECT coalesce(line, '') FROM ${lines} ORDER BY 1`
  : `SELECT w, count(*) FROM (SELECT unnest(regexp_split_to_array(line, '[ \\t\\r\\x0b\\f]+')) AS w FROM ${lines}) `
    + `WHERE w <> '' GROUP BY w`;
const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '256MB', temp_directory: tmp });
const con = await db.connect();
await con.run(`COPY (${query}) TO '/dev/fd/1' (FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '', ESCAPE '', USE_TMP_FILE false)`);
