/**
 * Statements PostgreSQL keeps parsed and planned on each connection, for the hot reads.
 *
 * drizzle's `db.execute(sql…)` sends every statement unnamed: the server parses, analyses and plans
 * it again on each call. For the case read (the case with its tasks and consents as JSON) that was
 * ~0.35 of its ~0.49 ms from a client on the same machine (pgbench, one client, `-M extended`
 * against `-M prepared` on a 1M-case database), paid on every event and every read. A named
 * statement is parsed once per connection (node-postgres remembers the names it has sent) and, from
 * its sixth run, planned once (PostgreSQL's generic plan, which a lookup by primary key takes).
 *
 * Every column is named, never `*`: PostgreSQL refuses to run a kept statement whose result columns
 * changed ("cached plan must not change result type"), so a migration adding a column while an
 * older instance runs (a rolling upgrade) must not change what its statements return.
 * A pooler in transaction mode (PgBouncer) must keep prepared statements per server connection
 * (`max_prepared_statements`, docs/operations.md).
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { QueryResult } from "pg";
import type { PgDb, PgTx } from "./open.ts";

const dialect = new PgDialect();

/**
 * A statement named `name`, its values given by `sql.placeholder(key)`; run it with
 * `(db, { key: value })` on the pool or inside a transaction.
 */
export function namedStatement<Row extends Record<string, unknown>>(name: string, statement: SQL) {
  const query = dialect.sqlToQuery(statement);
  return (db: PgDb | PgTx, values: Record<string, unknown>): Promise<QueryResult<Row>> =>
    db._.session.prepareQuery(query, undefined, name, false).execute(values) as Promise<QueryResult<Row>>;
}
