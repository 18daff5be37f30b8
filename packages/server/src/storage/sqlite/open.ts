/**
 * Opens the SQLite database with the durability settings the API promises, applies the versioned
 * migrations, and analyses the indexes they created where the database has statistics
 * (`index-statistics.ts`). A 2xx means the write is on disk: WAL with `synchronous=FULL` fsyncs the
 * log at every COMMIT (NORMAL could lose the last commits on power loss).
 */
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { analyseIndexesWithoutStatistics } from "./index-statistics.ts";
import * as schema from "./schema/index.ts";
import { assertStructureIntact, assertWritable, StoreUnusableError } from "./store-checks.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDatabase {
  sqlite: Database.Database;
  db: Db;
}

export interface OpenOptions {
  /**
   * The server's start: refuse a store it cannot write, or whose structure is damaged
   * (`quick_check` of every page), naming the file and the restore step (`store-checks.ts`). CLI
   * commands leave them out: `audit verify` may read a backup on a read-only disk.
   */
  startChecks?: boolean;
}

/** Opens the store; a file that is not a database is refused naming the file and the restore step. */
export function openDatabase(file: string, options: OpenOptions = {}): OpenDatabase {
  ownerOnly(file);
  let sqlite: Database.Database;
  try {
    sqlite = openConnection(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "SQLITE_NOTADB" && code !== "SQLITE_CORRUPT") throw error;
    throw new StoreUnusableError(
      file,
      `is not a readable SQLite database (${(error as Error).message})`,
      "Restore the latest backup",
    );
  }
  try {
    if (options.startChecks) {
      assertWritable(sqlite, file);
      assertStructureIntact(sqlite, file);
    }
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  analyseIndexesWithoutStatistics(sqlite);
  return { sqlite, db };
}

/**
 * A connection with the durability settings, without migrations: for a second connection to a
 * database already opened with `openDatabase` (the writer's).
 */
export function openConnection(file: string, options: Database.Options = {}): Database.Database {
  const sqlite = new Database(file, options);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  // Another process (the CLI, a backup) may hold the write lock briefly: wait rather than fail.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  // 64 MiB of page cache per connection (SQLite's default is 2 MiB): a store of a million cases is
  // ~3 GB, and with the default every list page re-read the upper levels of its indexes through
  // the OS (a system call and a copy per page). Allocated as used.
  sqlite.pragma("cache_size = -65536");
  // Deleted content is overwritten with zeros, not left in free pages: erased personal data must
  // not be readable from the file afterwards.
  sqlite.pragma("secure_delete = ON");
  return sqlite;
}

/**
 * The database file readable by its owner only (0600), created so before SQLite opens it; SQLite
 * gives its WAL and shared-memory files the database file's permissions. An existing file is
 * tightened too. Sealed personal data is still data an attacker on the machine should not copy.
 */
function ownerOnly(file: string): void {
  if (file === ":memory:") return;
  try {
    writeFileSync(file, "", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
    } catch (error) {
      // Missing (no WAL yet), or another user's file that only its owner may tighten.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EPERM") throw error;
    }
  }
}
