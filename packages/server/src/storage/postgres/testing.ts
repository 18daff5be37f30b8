/**
 * Test helper: each test gets a fresh database of its own on the real PostgreSQL server, created
 * and dropped by the test. The admin connection defaults to the local server's `postgres` user;
 * `PASSERELLE_TEST_PG_URL` points elsewhere.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_PG_ADMIN_URL =
  process.env.PASSERELLE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  name: string;
  /** Connection URL of the new database. */
  url: string;
  /** Ends every connection to it and drops it (idempotent). */
  drop(): Promise<void>;
}

/** URL of database `name` on the server of `adminUrl`, with the same user and options. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the test database a URL names (ending its connections); idempotent. */
export async function dropDatabaseOf(url: string, adminUrl = TEST_PG_ADMIN_URL): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^passerelle_t_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  await onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, adminUrl);
}

/** Runs one statement on a short-lived admin connection (CREATE/DROP DATABASE refuse a transaction). */
export async function onAdmin(sql: string, adminUrl = TEST_PG_ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "passerelle-tests" });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabaseOptions {
  adminUrl?: string;
  /** An ICU collation (e.g. `en-US`) instead of byte order: a database the store must refuse. */
  icuLocale?: string;
}

/**
 * A new, empty database `passerelle_t_<random>`, in byte-order collation like the one the
 * operations guide has operators create.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? TEST_PG_ADMIN_URL;
  const name = `passerelle_t_${randomBytes(6).toString("hex")}`;
  const collation = options.icuLocale
    ? `LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale.replace(/[^A-Za-z0-9_-]/g, "")}'`
    : "LC_COLLATE 'C' LC_CTYPE 'C'";
  await onAdmin(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' ${collation}`, adminUrl);
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, adminUrl),
  };
}

/** A pool of one connection over `url` that records what its connection is asked to run. */
export interface RecordingPool {
  pool: pg.Pool;
  /** Each statement sent since the pool was made: a named statement's name, else its text. */
  sent: string[];
}

export function recordingPool(url: string): RecordingPool {
  const sent: string[] = [];
  class RecordingClient extends pg.Client {
    override query(...args: unknown[]): never {
      const config = args[0] as string | { text: string; name?: string };
      sent.push(typeof config === "string" ? config : (config.name ?? config.text));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 1, Client: RecordingClient });
  // An idle connection lost (the test database dropped under it) must not end the test process
  // with an unheard `error` event; a query on a lost connection fails on its own.
  pool.on("error", () => {});
  return { pool, sent };
}

/**
 * Sessions of `pool`'s database waiting for an advisory lock (the audit chain's, in the tests that
 * hold it). `pg_locks` lists the whole server's locks, and other test files' databases take
 * advisory locks too: only this database's are counted.
 */
export async function advisoryLockWaits(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows[0]!.n;
}
