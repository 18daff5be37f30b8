/**
 * Opens the PostgreSQL store: a connection pool with per-session limits, and the drizzle database
 * over it. `migratePostgres` applies the versioned migrations of `./migrations/` once, however many
 * instances start at the same moment.
 */
import { fileURLToPath } from "node:url";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { MIGRATION_LOCK_KEY } from "./advisory-locks.ts";
import { assertByteOrderCollation } from "./byte-order-collation.ts";
import * as schema from "./schema/index.ts";

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

export type PgDb = NodePgDatabase<typeof schema>;
/** The database handle inside `db.transaction(async (tx) => …)`. */
export type PgTx = Parameters<Parameters<PgDb["transaction"]>[0]>[0];

export interface OpenPostgres {
  pool: pg.Pool;
  db: PgDb;
}

export interface OpenPostgresOptions {
  /** Connections per process (default 10). Several instances share the server's `max_connections`. */
  poolSize?: number;
  /** Longest a statement may run before the server cancels it (default 15 s). */
  statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity` (default `passerelle`): which process holds a connection. */
  applicationName?: string;
  /**
   * A connection failed (the server restarted, a network cut), idle or in use. The pool drops it
   * and opens a new one on the next query; a query in flight on it rejects on its own. Without a
   * listener node-postgres would throw the error out of the process. The error names no data.
   */
  onConnectionError?: (error: Error) => void;
}

export function openPostgres(url: string, options: OpenPostgresOptions = {}): OpenPostgres {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    // A transaction left open (a bug, a hung process) holds row locks other instances wait on.
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: 10_000,
    application_name: options.applicationName ?? "passerelle",
  });
  pool.on("error", (error) => options.onConnectionError?.(error));
  // A connection lost while checked out (mid-transaction) emits `error` on its client, where the
  // pool listens only while the client is idle: unheard, it would end the process. The query in
  // flight rejects with it anyway, so it is only reported here.
  pool.on("connect", (client) => client.on("error", (error) => options.onConnectionError?.(error)));
  return { pool, db: drizzle(pool, { schema }) };
}

/**
 * Applies the pending migrations on one dedicated connection holding the session advisory lock
 * `MIGRATION_LOCK_KEY`: an instance that starts while another migrates waits, then finds every
 * migration recorded and applies none. drizzle's migrator runs the pending migrations in one
 * transaction and records each in `drizzle.__drizzle_migrations`. The lock is session-scoped, so a
 * process that dies mid-migration releases it with its connection (and the transaction rolls back).
 */
export async function migratePostgres(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  const client = await pool.connect();
  try {
    // Building an index on a large table may take minutes, and waiting for another instance's
    // migration as long: neither is a runaway statement.
    await client.query("SET statement_timeout = 0");
    await assertByteOrderCollation(client);
    await client.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Closed, not returned to the pool: it carries `statement_timeout = 0`, and after a failure it
    // may still hold the lock (closing the session releases it).
    client.release(true);
  }
}
