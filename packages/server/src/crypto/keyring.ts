import { hash, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { z } from "zod";
import { Base64Key, type DataKey, dataKeyFromBase64, generateDataKey, KEY_BYTES } from "./data-key.ts";

/**
 * The keys a process can decrypt with, and the one it encrypts with. Old keys stay in the ring after
 * a rotation so that records (and restored backups) written under them remain readable.
 */
export class Keyring {
  readonly active: DataKey;
  /**
   * The key of the audit log's hash chain (HMAC-SHA256): kept with the data keys, outside the
   * database, and never rotated with them, so that an entry written years ago still verifies and
   * nobody who holds only the database can recompute a chain after editing it.
   */
  readonly auditKey: Buffer;
  readonly #byId: Map<string, DataKey>;

  constructor(active: DataKey, previous: DataKey[] = [], auditKey: Buffer = deriveAuditKey(active.key)) {
    this.active = active;
    this.auditKey = auditKey;
    this.#byId = new Map([...previous, active].map((k) => [k.id, k]));
  }

  /** The key with this id, or undefined when this process does not hold it. */
  get(id: string): DataKey | undefined {
    return this.#byId.get(id);
  }

  /** Every key id held, active first. */
  ids(): string[] {
    return [this.active.id, ...[...this.#byId.keys()].filter((id) => id !== this.active.id)];
  }
}

/** The audit chain key that goes with a data key when none is configured on its own (HKDF-SHA256). */
export function deriveAuditKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), "passerelle audit chain v1", 32));
}

/** The key file as stored on disk (mode 0600). */
export const KeyFile = z
  .object({
    version: z.literal(1).describe("Format version of this file"),
    active: z.string().describe("Id of the key new records are encrypted with"),
    keys: z
      .array(
        z
          .object({
            id: z.string().describe("Key fingerprint (see keyIdOf)"),
            key: Base64Key,
            createdAt: z.iso.datetime().describe("When the key was generated"),
          })
          .strict(),
      )
      .min(1)
      .describe("Every key, including retired ones still needed to read older records"),
    auditKey: Base64Key.optional().describe("Key of the audit log's hash chain; never rotated"),
  })
  .strict()
  .describe("Passerelle data-encryption key file");
export type KeyFile = z.infer<typeof KeyFile>;

/** Where the key material came from, for the start-up log line (never the key itself). */
export type KeySource =
  | { kind: "env"; activeId: string; previous: number; auditKey: boolean }
  | { kind: "file"; path: string; activeId: string; generated: boolean };

export interface KeyringSettings {
  /** `PASSERELLE_KEY`: base64 of the active key. Takes precedence over the key file. */
  envKey?: string | undefined;
  /** `PASSERELLE_PREVIOUS_KEYS`: comma-separated base64 keys still accepted for reading. */
  envPreviousKeys?: string | undefined;
  /** `PASSERELLE_AUDIT_KEY`: base64 of the audit chain key, with `PASSERELLE_KEY`. */
  envAuditKey?: string | undefined;
  /** `PASSERELLE_KEY_FILE`, or `defaultKeyFile(database)`. */
  keyFile: string;
  /** Generate the key file when no key is configured (fresh local start). */
  generateIfMissing: boolean;
  /** The store already holds sealed records: only the key that sealed them can open them. */
  storeHoldsSealedData?: boolean;
}

/** What to do when no key is configured and the key file is missing. */
function missingKeyMessage(path: string, sealed: boolean | undefined): string {
  if (sealed)
    return `no data key: the key file ${path} is missing and PASSERELLE_KEY is not set, but the store holds personal data sealed with a key. Restore the key file from its backup, kept apart from the database's (docs/operations.md#restoring-the-store), or set PASSERELLE_KEY to that key; a new key cannot open what the old one sealed.`;
  return `no data key: the key file ${path} is missing and PASSERELLE_KEY is not set. Start the server once on this store (it creates the key file while the store holds no case), or set PASSERELLE_KEY (\`passerelle keys generate\` prints a new key).`;
}

/** Read the key file, checking that it is well-formed and that the active key is in it. */
export function readKeyFile(path: string): KeyFile {
  let file: KeyFile;
  try {
    file = KeyFile.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    // zod and JSON.parse name what is wrong but not where: the operator needs the file.
    const reason = error instanceof SyntaxError ? "it is not JSON" : "it does not have the key file's form";
    throw new Error(
      `key file ${path} is unreadable: ${reason}. Restore it from its backup, kept apart from the database's (docs/operations.md#restoring-the-store); a new key cannot read what the old one sealed.`,
    );
  }
  if (!file.keys.some((k) => k.id === file.active))
    throw new Error(`key file ${path}: active key is not in the file`);
  for (const k of file.keys) {
    if (dataKeyFromBase64(k.key).id !== k.id)
      throw new Error(`key file ${path}: key ${k.id} does not match its id`);
  }
  return file;
}

/** Write the key file atomically, readable by the owner only. */
export function writeKeyFile(path: string, file: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function keyringFromFile(file: KeyFile): Keyring {
  const keys = file.keys.map((k) => dataKeyFromBase64(k.key));
  const active = keys.find((k) => k.id === file.active)!;
  return new Keyring(
    active,
    keys.filter((k) => k.id !== active.id),
    file.auditKey ? Buffer.from(file.auditKey, "base64") : undefined,
  );
}

/** A key file written before audit chain keys gets one, once (before any keyed entry exists). */
function withAuditKey(path: string, file: KeyFile): KeyFile {
  if (file.auditKey) return file;
  const upgraded = { ...file, auditKey: randomBytes(KEY_BYTES).toString("base64") };
  writeKeyFile(path, upgraded);
  return upgraded;
}

/**
 * Load the keyring from the environment or the key file; on a fresh local start with neither,
 * generate a key file (0600) so that personal data is never stored in the clear.
 */
export function loadKeyring(settings: KeyringSettings): { keyring: Keyring; source: KeySource } {
  if (settings.envKey) {
    const active = dataKeyFromBase64(settings.envKey);
    const previous = (settings.envPreviousKeys ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(dataKeyFromBase64);
    const auditKey = settings.envAuditKey
      ? Buffer.from(Base64Key.parse(settings.envAuditKey), "base64")
      : undefined;
    return {
      keyring: new Keyring(active, previous, auditKey),
      source: {
        kind: "env",
        activeId: active.id,
        previous: previous.length,
        auditKey: auditKey !== undefined,
      },
    };
  }
  const path = settings.keyFile;
  if (existsSync(path)) {
    const keyring = keyringFromFile(withAuditKey(path, readKeyFile(path)));
    return { keyring, source: { kind: "file", path, activeId: keyring.active.id, generated: false } };
  }
  if (!settings.generateIfMissing) throw new Error(missingKeyMessage(path, settings.storeHoldsSealedData));
  const key = generateDataKey();
  const auditKey = randomBytes(KEY_BYTES);
  writeKeyFile(path, {
    version: 1,
    active: key.id,
    keys: [{ id: key.id, key: key.key.toString("base64"), createdAt: new Date().toISOString() }],
    auditKey: auditKey.toString("base64"),
  });
  return {
    keyring: new Keyring(key, [], auditKey),
    source: { kind: "file", path, activeId: key.id, generated: true },
  };
}

/**
 * Default key file of a database: in the user's configuration directory
 * (`$XDG_CONFIG_HOME/passerelle/keys/`, else `~/.config/passerelle/keys/`), named after the
 * database file and its absolute path — never beside the data, so that a copy of the data
 * directory (a backup, a disk image) does not carry the key that opens it.
 */
export function defaultKeyFile(databaseFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = resolve(databaseFile);
  return defaultKeyFileNamed(basename(path).replace(/\.[^.]*$/, ""), path, env);
}

/**
 * A key file in the user's configuration directory, `<name>-<hash of identity>.json`: `identity`
 * tells apart two databases of the same name (their path, or their server).
 */
export function defaultKeyFileNamed(name: string, identity: string, env: NodeJS.ProcessEnv = process.env) {
  const config = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(config, "passerelle", "keys", `${name}-${hash("sha256", identity, "hex").slice(0, 12)}.json`);
}

/** Where key files were kept before: beside the database. Still read, with a warning to move it. */
export const legacyKeyFile = (databaseFile: string) => join(dirname(databaseFile), "keys.json");

/**
 * Add a new key to the key file and make it the active one; older keys are kept for reading.
 * Returns the new key id. Records are re-encrypted separately (see rotateRecords).
 */
export function addKeyToFile(path: string): { keyring: Keyring; newKeyId: string; previousKeyId: string } {
  const file = withAuditKey(path, readKeyFile(path));
  const key = generateDataKey();
  const next: KeyFile = {
    version: 1,
    active: key.id,
    keys: [
      ...file.keys,
      { id: key.id, key: key.key.toString("base64"), createdAt: new Date().toISOString() },
    ],
  };
  writeKeyFile(path, next);
  return { keyring: keyringFromFile(next), newKeyId: key.id, previousKeyId: file.active };
}

/** Drop keys that no record uses any more (after a completed rotation). Keeps the active key. */
export function pruneKeyFile(path: string, inUse: Set<string>): string[] {
  const file = readKeyFile(path);
  const dropped = file.keys.filter((k) => k.id !== file.active && !inUse.has(k.id)).map((k) => k.id);
  writeKeyFile(path, { ...file, keys: file.keys.filter((k) => !dropped.includes(k.id)) });
  return dropped;
}
