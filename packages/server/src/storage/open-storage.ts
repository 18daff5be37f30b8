/**
 * Opens the storage a database URL names, outside the server (the CLI, tests and the benchmark's
 * provisioning): for a `file:` URL or a path, the SQLite store with migrations applied and the same
 * protections the server uses (the keyring's codec and audit chain key).
 */
import { databaseFile } from "../config.ts";
import { keySettingsFromEnv, protectStore } from "../crypto/protect-store.ts";
import { openDatabase } from "./sqlite/open.ts";
import { SqliteCaseStore } from "./sqlite/sqlite-case-store.ts";
import type { Storage } from "./storage.ts";

export interface OpenStorageOptions {
  /** Sealing codec and audit chain key from the keyring (default); false: none, for provisioning tests. */
  protections?: boolean;
}

export function openStorage(databaseUrl: string, options: OpenStorageOptions = {}): Storage {
  if (/^postgres(ql)?:/.test(databaseUrl))
    throw new Error("this build opens SQLite files only: give a file: URL or a path");
  const file = databaseFile(databaseUrl);
  const { sqlite } = openDatabase(file);
  try {
    const protection = options.protections === false ? {} : protectStore(sqlite, keySettingsFromEnv(file));
    return new SqliteCaseStore(sqlite, protection);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
