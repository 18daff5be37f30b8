/** The database a CLI command works on: `--database-url`, else DATABASE_URL, else the default file. */
import { databaseFile, loadConfig } from "../config.ts";
import { openStorage } from "../storage/open-storage.ts";
import type { Storage } from "../storage/storage.ts";

export { CLI_ACTOR } from "../audit/cli-actor.ts";

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
