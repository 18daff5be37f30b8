/** The database a CLI command works on: `--database-url`, else DATABASE_URL, else the default file. */
import type Database from "better-sqlite3";
import { AuditLog } from "../audit/audit-log.ts";
import { databaseFile, loadConfig } from "../config.ts";
import { keyringFor, keySettingsFromEnv } from "../crypto/protect-store.ts";
import { openStorage } from "../storage/open-storage.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import type { Storage } from "../storage/storage.ts";

export interface DatabaseOption {
  databaseUrl?: string;
}

export const DATABASE_URL_FLAGS = "--database-url <url>";
export const DATABASE_URL_HELP = "SQLite file URL (default: DATABASE_URL, or file:./data/passerelle.db)";

/** The database URL of a command: `--database-url`, else DATABASE_URL, else the default file. */
export function cliDatabaseUrl(opts: DatabaseOption): string {
  return loadConfig({ ...process.env, ...(opts.databaseUrl && { DATABASE_URL: opts.databaseUrl }) })
    .DATABASE_URL;
}

export function cliDatabaseFile(opts: DatabaseOption): string {
  return databaseFile(cliDatabaseUrl(opts));
}

/** Open the storage (migrations applied, protections on) for a command, and close it afterwards. */
export async function withStorage<T>(
  opts: DatabaseOption,
  fn: (storage: Storage) => T | Promise<T>,
): Promise<T> {
  const storage = openStorage(cliDatabaseUrl(opts));
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** Open the database file (migrations applied) for a command that works on SQLite itself, and close it afterwards. */
export async function withDatabase<T>(
  opts: DatabaseOption,
  fn: (db: ReturnType<typeof openDatabase>, file: string) => T | Promise<T>,
): Promise<T> {
  const file = cliDatabaseFile(opts);
  const db = openDatabase(file);
  try {
    return await fn(db, file);
  } finally {
    db.sqlite.close();
  }
}

/** Audit fields of a CLI action: no user, no token; the operator's shell is the only "where". */
export const CLI_ACTOR = {
  actorUserId: null,
  actorAgencyId: null,
  actorRole: null,
  tokenId: null,
  ip: "cli",
  requestId: null,
} as const;

/** The audit log of a CLI command, with the chain key of the database's keyring (as the server's). */
export function cliAuditLog(sqlite: Database.Database, file: string): AuditLog {
  return new AuditLog(sqlite, keyringFor(sqlite, keySettingsFromEnv(file)).auditKey);
}
