// Uses lib/db.mjs the way a service would; tsbpf probes query() from outside.
import { query } from './lib/db.mjs';

const statements = ['SELECT * FROM users', 'SELECT 1', 'INSERT INTO t VALUES (1)', 'UPDATE t SET a = 1', 'DROP TABLE t', 'SELECT 2'];
const results = await Promise.allSettled(statements.map((s, i) => query(s, [i])));
console.log(`${results.filter((r) => r.status === 'fulfilled').length} of ${results.length} queries succeeded`);
