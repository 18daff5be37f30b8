/** The database a CLI command works on: `--database-url`, else DATABASE_URL, else the default file. */
import { loadConfig, storeUrl } from "../config.ts";
import { openStorage } from "../storage/open-storage.ts";
import type { Storage } from "../storage/storage.ts";

export { CLI_ACTOR } from "../audit/cli-actor.ts";

export interface DatabaseOption {
  databaseUrl?: string;
}

export const DATABASE_URL_FLAGS = "--database-url <url>";
export const DATABASE_URL_HELP =
  "SQLite file URL (file:<path>) or PostgreSQL URL (postgres://user@host:port/dbname) (default: DATABASE_URL, or file:./data/passerelle.db)";

/**
 * The database of a command: `--database-url`, else DATABASE_URL, else the default file; a SQLite
 * file as its absolute path (relative to where the command was run), PostgreSQL as given.
 */
export function cliDatabaseUrl(opts: DatabaseOption): string {
  return storeUrl(
    loadConfig({ ...process.env, ...(opts.databaseUrl && { DATABASE_URL: opts.databaseUrl }) }).DATABASE_URL,
  );
}

/** Open the storage (migrations applied, protections on) for a command, and close it afterwards. */
export async function withStorage<T>(
  opts: DatabaseOption,
  fn: (storage: Storage) => T | Promise<T>,
): Promise<T> {
  // A command runs one thing at a time: two connections (a read beside a transaction) are enough.
  const storage = await openStorage(cliDatabaseUrl(opts), { poolSize: 2, applicationName: "passerelle-cli" });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}
