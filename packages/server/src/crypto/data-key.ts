import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** AES-256 needs exactly 32 bytes of key material. */
export const KEY_BYTES = 32;

/**
 * One data-encryption key. The id is a fingerprint of the key (not a secret): it is written next to
 * every ciphertext so that a record names the key that opens it, and rotation can find records still
 * under an old key.
 */
export interface DataKey {
  /** `k` + first 16 hex digits of SHA-256 over the key bytes. */
  id: string;
  key: Buffer;
}

/** Fingerprint a key so records can name it without revealing it. */
export function keyIdOf(key: Buffer): string {
  return `k${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

/** A fresh random key. */
export function generateDataKey(): DataKey {
  const key = randomBytes(KEY_BYTES);
  return { id: keyIdOf(key), key };
}

/** Base64 text of exactly 32 bytes, as `PASSERELLE_KEY` and the key file carry it. */
export const Base64Key = z
  .string()
  .trim()
  .refine((text) => Buffer.from(text, "base64").length === KEY_BYTES, {
    message: "must be base64 of exactly 32 bytes (generate one with `passerelle keys generate`)",
  })
  .describe("A 256-bit key, base64-encoded");

/** Decode a base64 key after checking its length. */
export function dataKeyFromBase64(text: string): DataKey {
  const key = Buffer.from(Base64Key.parse(text), "base64");
  return { id: keyIdOf(key), key };
}
