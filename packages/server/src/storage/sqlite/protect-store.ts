/**
 * The protections' wiring for the SQLite store: the keyring (`../store-keys.ts`) and the sealing
 * codec over the file's own case salts.
 */

import type Database from "better-sqlite3";
import type { FastifyBaseLogger } from "fastify";
import type { KeyringSettings } from "../../crypto/keyring.ts";
import { SealingCodec } from "../../crypto/personal-data-codec.ts";
import { loadStoreKeyring } from "../store-keys.ts";
import { caseSalts } from "./case-keys.ts";
import type { StoreProtection } from "./sqlite-case-store.ts";

export { keySettingsFromEnv } from "../store-keys.ts";

/** Load the keyring for a database file (a key file is generated only while it holds no case). */
export function keyringFor(sqlite: Database.Database, settings: KeyringSettings, log?: FastifyBaseLogger) {
  const holdsCases = sqlite.prepare("SELECT 1 FROM cases LIMIT 1").get() !== undefined;
  return loadStoreKeyring(settings, { holdsCases, databaseFile: sqlite.name }, log);
}

export function protectStore(
  sqlite: Database.Database,
  settings: KeyringSettings,
  log?: FastifyBaseLogger,
): Required<Pick<StoreProtection, "codec" | "auditKey">> & { codec: SealingCodec } {
  const keyring = keyringFor(sqlite, settings, log);
  return { codec: new SealingCodec(keyring, caseSalts(sqlite)), auditKey: keyring.auditKey };
}
