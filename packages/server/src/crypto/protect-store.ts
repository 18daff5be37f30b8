/**
 * The protections' wiring for the store: the keyring (from the environment, or the key file, generated on a
 * fresh local start) and the audit log, on the store's own connection.
 */

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type Database from "better-sqlite3";
import type { FastifyBaseLogger } from "fastify";
import { caseSalts } from "../storage/sqlite/case-keys.ts";
import type { StoreProtection } from "../storage/sqlite/sqlite-case-store.ts";
import { defaultKeyFile, type KeyringSettings, legacyKeyFile, loadKeyring } from "./keyring.ts";
import { SealingCodec } from "./personal-data-codec.ts";

/** Key settings from the environment: PASSERELLE_KEY, PASSERELLE_PREVIOUS_KEYS, PASSERELLE_KEY_FILE. */
export function keySettingsFromEnv(
  databaseFile: string,
  env: NodeJS.ProcessEnv = process.env,
): KeyringSettings {
  const legacy = legacyKeyFile(databaseFile);
  return {
    envKey: env.PASSERELLE_KEY || undefined,
    envPreviousKeys: env.PASSERELLE_PREVIOUS_KEYS || undefined,
    envAuditKey: env.PASSERELLE_AUDIT_KEY || undefined,
    keyFile: env.PASSERELLE_KEY_FILE || (existsSync(legacy) ? legacy : defaultKeyFile(databaseFile, env)),
    generateIfMissing: true,
  };
}

/**
 * Load the keyring for a database. A key file is generated only for an empty database: generating
 * one next to existing sealed records would make them unreadable, so that refuses to start instead.
 */
export function keyringFor(sqlite: Database.Database, settings: KeyringSettings, log?: FastifyBaseLogger) {
  const hasCases = sqlite.prepare("SELECT 1 FROM cases LIMIT 1").get() !== undefined;
  const { keyring, source } = loadKeyring({
    ...settings,
    generateIfMissing: settings.generateIfMissing && !hasCases,
    storeHoldsSealedData: hasCases,
  });
  if (source.kind === "file" && source.generated) {
    log?.warn(
      { keyFile: source.path, keyId: source.activeId },
      "no data key configured: generated a new key file (mode 0600) outside the data directory; back it up separately from the data, or set PASSERELLE_KEY",
    );
  } else {
    log?.info(
      {
        keySource: source.kind,
        keyId: source.activeId,
        ...(source.kind === "file" && { keyFile: source.path }),
      },
      "data encryption key loaded",
    );
  }
  if (source.kind === "env" && !source.auditKey) {
    log?.warn(
      {},
      "PASSERELLE_AUDIT_KEY is not set: the audit chain key is derived from PASSERELLE_KEY; set PASSERELLE_AUDIT_KEY before rotating PASSERELLE_KEY, or older audit entries stop verifying",
    );
  }
  if (source.kind === "file" && dirname(resolve(source.path)) === dirname(resolve(sqlite.name))) {
    log?.warn(
      { keyFile: source.path },
      "the key file sits beside the database: a copy of the data carries its key; move it out of the data directory and set PASSERELLE_KEY_FILE (docs/operations.md, Keys)",
    );
  }
  return keyring;
}

export function protectStore(
  sqlite: Database.Database,
  settings: KeyringSettings,
  log?: FastifyBaseLogger,
): Required<Pick<StoreProtection, "codec" | "auditKey">> & { codec: SealingCodec } {
  const keyring = keyringFor(sqlite, settings, log);
  return { codec: new SealingCodec(keyring, caseSalts(sqlite)), auditKey: keyring.auditKey };
}
