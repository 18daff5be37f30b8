import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring.ts";

/**
 * Sealed value formats (base64url parts), the key id naming the data key that opens it, so that
 * rotation finds values whose key id is not the active one:
 * - `pse2.<keyId>.<iv>.<ciphertext+tag>`: under the case's own key, derived from the data key and
 *   a random salt kept per case (`case_keys`). Erasing the case deletes its salt: from then on no
 *   key opens what a backup, a free page or a WAL frame may still hold (crypto-erasure).
 * - `pse1.…`: under the data key itself (values written before per-case keys, and none since).
 */
const PREFIX = "pse1";
const CASE_PREFIX = "pse2";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a sealed value could not be opened. Never carries the plaintext or the key. */
export class SealError extends Error {
  override readonly name = "SealError";
  constructor(
    readonly reason: "malformed" | "unknownKey" | "authentication" | "erased",
    readonly keyId?: string,
  ) {
    super(
      reason === "unknownKey"
        ? `sealed value uses key ${keyId}, which this process does not hold`
        : reason === "erased"
          ? "sealed value belongs to a case whose key was destroyed (erased)"
          : reason === "malformed"
            ? "sealed value is malformed"
            : "sealed value failed authentication (tampered, or bound to another record)",
    );
  }
}

/**
 * Encrypt with AES-256-GCM under the active key. `aad` binds the ciphertext to its place (e.g.
 * `case:<id>:person`), so a value copied into another record fails to open.
 */
export function seal(keyring: Keyring, plaintext: string, aad: string): string {
  const { id, key } = keyring.active;
  return sealUnder(PREFIX, id, key, plaintext, aad);
}

/**
 * Derived case keys, per data key, most recently used last. Deriving one (HKDF) cost more than the
 * AES-GCM open itself, and every event opens its case's person for the guards on age: measured at
 * 4-7 % of an event's CPU under load (docs/performance.md). The cache holds keys, never opened
 * values, and its entries are found only with the case's salt: once erasure deletes the salt, no
 * lookup reaches the entry again (and it ages out). The data key already lives in this process.
 */
const derived = new WeakMap<Buffer, Map<string, Buffer>>();
const DERIVED_KEYS_KEPT = 4096;

/** A case's own key: HKDF-SHA256 of a data key with the case's salt, bound to the case id. */
function caseKey(dataKey: Buffer, salt: Buffer, caseId: string): Buffer {
  let keys = derived.get(dataKey);
  if (!keys) {
    keys = new Map();
    derived.set(dataKey, keys);
  }
  const name = `${caseId}\n${salt.toString("base64")}`;
  let key = keys.get(name);
  if (key) keys.delete(name);
  else {
    key = Buffer.from(hkdfSync("sha256", dataKey, salt, `passerelle case key v1\n${caseId}`, 32));
    if (keys.size >= DERIVED_KEYS_KEPT) keys.delete(keys.keys().next().value as string);
  }
  keys.set(name, key);
  return key;
}

/** Encrypt under the case's own key (derived from the active data key and the case's salt). */
export function sealForCase(
  keyring: Keyring,
  salt: Buffer,
  caseId: string,
  plaintext: string,
  aad: string,
): string {
  const { id, key } = keyring.active;
  return sealUnder(CASE_PREFIX, id, caseKey(key, salt, caseId), plaintext, aad);
}

function sealUnder(prefix: string, id: string, key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${prefix}.${id}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** The key id a sealed value names, without opening it. */
export function sealedKeyId(sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 4 || (parts[0] !== PREFIX && parts[0] !== CASE_PREFIX) || !parts[1])
    throw new SealError("malformed");
  return parts[1];
}

/**
 * Decrypt and authenticate a sealed value; throws SealError on any mismatch. A value under a case's
 * own key needs that case's salt (`forCase`); without it (the case was erased) it never opens.
 */
export function open(
  keyring: Keyring,
  sealed: string,
  aad: string,
  forCase?: { caseId: string; salt: Buffer | undefined },
): string {
  const [prefix, keyId, ivText, bodyText] = sealed.split(".");
  if ((prefix !== PREFIX && prefix !== CASE_PREFIX) || !keyId || !ivText || bodyText === undefined)
    throw new SealError("malformed");
  const dataKey = keyring.get(keyId);
  if (!dataKey) throw new SealError("unknownKey", keyId);
  let key = dataKey.key;
  if (prefix === CASE_PREFIX) {
    if (!forCase?.salt) throw new SealError("erased", keyId);
    key = caseKey(dataKey.key, forCase.salt, forCase.caseId);
  }
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealError("malformed");
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SealError("authentication", keyId);
  }
}

/** Seal a JSON value. */
export const sealJson = (keyring: Keyring, value: unknown, aad: string): string =>
  seal(keyring, JSON.stringify(value), aad);

/** Open a sealed JSON value. */
export const openJson = <T = unknown>(keyring: Keyring, sealed: string, aad: string): T =>
  JSON.parse(open(keyring, sealed, aad)) as T;

/** Re-seal under the active key (rotation); values already under it are returned unchanged. */
export function reseal(keyring: Keyring, sealed: string, aad: string): string {
  if (sealedKeyId(sealed) === keyring.active.id) return sealed;
  return seal(keyring, open(keyring, sealed, aad), aad);
}
