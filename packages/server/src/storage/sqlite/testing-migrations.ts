/** Test helper: a database as an older release left it, to test a migration on existing rows. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { MIGRATIONS_DIR } from "./open.ts";

/** A migrations folder holding only the first `count` migrations: a database as an older release left it. */
export function olderMigrations(root: string, count: number): string {
  const folder = join(root, "migrations");
  mkdirSync(join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
  for (const entry of journal.entries as { tag: string }[])
    copyFileSync(join(MIGRATIONS_DIR, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  return folder;
}

/**
 * A database file in a new temporary directory (`root`, for the caller to remove), migrated up to
 * the first `count` migrations and open as `old`: rows written to it are what an older release left.
 */
export function olderDatabase(count: number): { root: string; file: string; old: Database.Database } {
  const root = mkdtempSync(join(tmpdir(), "passerelle-migrate-"));
  const file = join(root, "old.db");
  const old = new Database(file);
  migrate(drizzle(old), { migrationsFolder: olderMigrations(root, count) });
  return { root, file, old };
}
