/**
 * Opens the storage a database URL names, for the server, the worker, the CLI, tests and the
 * benchmark's provisioning: a `postgres://` (or `postgresql://`) URL opens the PostgreSQL store, a
 * `file:` URL or a path the SQLite store; either with its migrations applied and the protections the
 * server uses (the keyring's codec and audit chain key). The one place outside `sqlite/` and
 * `postgres/` that knows which database runs.
 */
import { existsSync } from "node:fs";
import type { FastifyBaseLogger } from "fastify";
import { databaseFile, databaseLabel } from "../config.ts";
import type { KeyringSettings } from "../crypto/keyring.ts";
import { migratePostgres, openPostgres } from "./postgres/open.ts";
import { PostgresStorage } from "./postgres/postgres-storage.ts";
import { safeSummary, storeFailure } from "./postgres/query-failures.ts";
import type { Durability } from "./sqlite/durability.ts";
import { openDatabase } from "./sqlite/open.ts";
import { protectStore } from "./sqlite/protect-store.ts";
import { SqliteCaseStore } from "./sqlite/sqlite-case-store.ts";
import type { Storage } from "./storage.ts";
import { isPostgresUrl, keySettingsFor, loadStoreKeyring } from "./store-keys.ts";

export interface OpenStorageOptions {
  /** Sealing codec and audit chain key from the keyring (default); false: none, for provisioning tests. */
  protections?: boolean;
  /** Where the keys are (default: the environment's settings for this database). */
  keys?: KeyringSettings;
  /** Where warnings about the key file, and failed database connections, go (the server's log). */
  log?: FastifyBaseLogger;
  /** The server's start: refuse a store it cannot write or whose structure is damaged (SQLite). */
  startChecks?: boolean;
  /** How commits become durable, for the database file (default: fdatasync of its WAL); a test seam. */
  durability?: (file: string) => Durability;
  /** PostgreSQL: connections of this process (default 10; a CLI command needs 2). */
  poolSize?: number;
  /** PostgreSQL: the name `pg_stat_activity` shows for this process's connections. */
  applicationName?: string;
}

export async function openStorage(databaseUrl: string, options: OpenStorageOptions = {}): Promise<Storage> {
  return isPostgresUrl(databaseUrl)
    ? openPostgresStorage(databaseUrl, options)
    : openSqlite(databaseUrl, options);
}

function openSqlite(databaseUrl: string, options: OpenStorageOptions): Storage {
  const file = databaseFile(databaseUrl);
  const { sqlite } = openDatabase(file, { startChecks: options.startChecks ?? false });
  try {
    const protection =
      options.protections === false
        ? {}
        : protectStore(sqlite, options.keys ?? keySettingsFor(file), options.log);
    return new SqliteCaseStore(sqlite, {
      ...protection,
      ...(options.durability && { durability: options.durability(file) }),
    });
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

async function openPostgresStorage(databaseUrl: string, options: OpenStorageOptions): Promise<Storage> {
  const where = databaseLabel(databaseUrl);
  const { pool, db } = openPostgres(databaseUrl, {
    ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    ...(options.applicationName && { applicationName: options.applicationName }),
    onConnectionError: (error) =>
      options.log?.warn(
        { database: where, error: safeSummary(error) },
        "a database connection failed; the pool opens a new one for the next query",
      ),
  });
  try {
    // Under the migration lock: instances starting together migrate once.
    await migratePostgres(pool);
    if (options.protections === false) return new PostgresStorage(pool, db, { keyring: undefined }, where);
    const { rowCount } = await pool.query("SELECT 1 FROM cases LIMIT 1");
    const settings = options.keys ?? keySettingsFor(databaseUrl);
    if (!settings.envKey && !settings.generateIfMissing && !existsSync(settings.keyFile))
      throw new Error(
        `no data key for the PostgreSQL database ${where}: set PASSERELLE_KEY and PASSERELLE_AUDIT_KEY, the same for every API instance, worker and CLI command (\`passerelle keys generate\` prints a new key), or PASSERELLE_KEY_FILE to a key file placed on every machine. No key file is generated for PostgreSQL: each machine would make its own.`,
      );
    const keyring = loadStoreKeyring(settings, { holdsCases: (rowCount ?? 0) > 0 }, options.log);
    return new PostgresStorage(pool, db, { keyring, auditKey: keyring.auditKey }, where);
  } catch (error) {
    await pool.end();
    // The driver's error may carry a query's values: only its summary goes on.
    if (storeFailure(error) === error) throw error;
    const { code, message } = safeSummary(error);
    throw new Error(`opening the PostgreSQL database ${where} failed (${code ?? "no code"}): ${message}`);
  }
}
