/**
 * Opens the storage a database URL names, for the server, the CLI, tests and the benchmark's
 * provisioning: for a `file:` URL or a path, the SQLite store with migrations applied and the
 * protections the server uses (the keyring's codec and audit chain key). The one place outside
 * `sqlite/` that knows which database runs.
 */
import type { FastifyBaseLogger } from "fastify";
import { databaseFile } from "../config.ts";
import type { KeyringSettings } from "../crypto/keyring.ts";
import type { Durability } from "./sqlite/durability.ts";
import { openDatabase } from "./sqlite/open.ts";
import { keySettingsFromEnv, protectStore } from "./sqlite/protect-store.ts";
import { SqliteCaseStore } from "./sqlite/sqlite-case-store.ts";
import type { Storage } from "./storage.ts";

export interface OpenStorageOptions {
  /** Sealing codec and audit chain key from the keyring (default); false: none, for provisioning tests. */
  protections?: boolean;
  /** Where the keys are (default: the environment's settings for this database). */
  keys?: KeyringSettings;
  /** Where warnings about the key file go (the server's log). */
  log?: FastifyBaseLogger;
  /** The server's start: refuse a store it cannot write or whose structure is damaged. */
  startChecks?: boolean;
  /** How commits become durable, for the database file (default: fdatasync of its WAL); a test seam. */
  durability?: (file: string) => Durability;
}

export function openStorage(databaseUrl: string, options: OpenStorageOptions = {}): Storage {
  if (/^postgres(ql)?:/.test(databaseUrl))
    throw new Error("this build opens SQLite files only: give a file: URL or a path");
  const file = databaseFile(databaseUrl);
  const { sqlite } = openDatabase(file, { startChecks: options.startChecks ?? false });
  try {
    const protection =
      options.protections === false
        ? {}
        : protectStore(sqlite, options.keys ?? keySettingsFromEnv(file), options.log);
    return new SqliteCaseStore(sqlite, {
      ...protection,
      ...(options.durability && { durability: options.durability(file) }),
    });
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
