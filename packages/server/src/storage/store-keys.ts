/**
 * Where a store's keys come from, whichever database runs: the keyring from the environment or the
 * key file (generated on a fresh local start), and the log lines that say which. The key file of a
 * SQLite file is named after the file; that of a PostgreSQL database after its server and name
 * (never its credentials), both in the user's configuration directory, away from the data.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { databaseFile } from "../config.ts";
import {
  defaultKeyFile,
  defaultKeyFileNamed,
  type Keyring,
  type KeyringSettings,
  legacyKeyFile,
  loadKeyring,
} from "../crypto/keyring.ts";

/** A `postgres://` or `postgresql://` URL: the PostgreSQL store; anything else is a SQLite file. */
export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

function fromEnv(keyFile: string, env: NodeJS.ProcessEnv, generateIfMissing = true): KeyringSettings {
  return {
    envKey: env.PASSERELLE_KEY || undefined,
    envPreviousKeys: env.PASSERELLE_PREVIOUS_KEYS || undefined,
    envAuditKey: env.PASSERELLE_AUDIT_KEY || undefined,
    keyFile: env.PASSERELLE_KEY_FILE || keyFile,
    generateIfMissing,
  };
}

/** Key settings of a SQLite file: PASSERELLE_KEY, PASSERELLE_PREVIOUS_KEYS, PASSERELLE_KEY_FILE. */
export function keySettingsFromEnv(
  databaseFile: string,
  env: NodeJS.ProcessEnv = process.env,
): KeyringSettings {
  const legacy = legacyKeyFile(databaseFile);
  return fromEnv(existsSync(legacy) ? legacy : defaultKeyFile(databaseFile, env), env);
}

/**
 * The default key file of a PostgreSQL database: named after its database name, and a hash of host,
 * port and name. Not of the user or password: rotating the database password must not orphan the
 * key file, and a file name must not carry a credential.
 */
export function postgresKeyFile(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, "")) || "postgres";
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  return defaultKeyFileNamed(
    `pg-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    `postgres://${host}:${url.port || "5432"}/${name}`,
    env,
  );
}

/**
 * Key settings of whatever store `databaseUrl` names (same variables for both). A PostgreSQL
 * database is never given a generated key file: its instances, workers and CLI run on several
 * machines, and a key made by whichever started first would differ from the next machine's — cases
 * sealed under two keys, audit entries chained under two. Its keys come from PASSERELLE_KEY (and
 * PASSERELLE_AUDIT_KEY), or from a key file the operator placed on every machine.
 */
export function keySettingsFor(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): KeyringSettings {
  return isPostgresUrl(databaseUrl)
    ? fromEnv(postgresKeyFile(databaseUrl, env), env, false)
    : keySettingsFromEnv(databaseFile(databaseUrl), env);
}

export interface StoreKeyContext {
  /** The store already holds cases: a new key file must not be generated for it. */
  holdsCases: boolean;
  /** The SQLite file, to warn when the key file sits beside it. */
  databaseFile?: string;
}

/**
 * Loads the keyring of a store. A key file is generated only for a store without cases: generating
 * one next to existing sealed records would make them unreadable, so that refuses to start instead.
 */
export function loadStoreKeyring(
  settings: KeyringSettings,
  context: StoreKeyContext,
  log?: FastifyBaseLogger,
): Keyring {
  const { keyring, source } = loadKeyring({
    ...settings,
    generateIfMissing: settings.generateIfMissing && !context.holdsCases,
    storeHoldsSealedData: context.holdsCases,
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
  if (
    source.kind === "file" &&
    context.databaseFile &&
    dirname(resolve(source.path)) === dirname(resolve(context.databaseFile))
  ) {
    log?.warn(
      { keyFile: source.path },
      "the key file sits beside the database: a copy of the data carries its key; move it out of the data directory and set PASSERELLE_KEY_FILE (docs/operations.md, Keys)",
    );
  }
  return keyring;
}
