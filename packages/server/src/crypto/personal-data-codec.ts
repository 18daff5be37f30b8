/**
 * How the store writes personal values: sealed (AES-256-GCM, see cipher.ts) with protections on, plain
 * JSON with them off (benchmark baseline only). Reading accepts both, so a database written before
 * encryption was enabled stays readable and `passerelle keys rotate` seals what is still plain.
 *
 * Every value is bound to its place by the AAD (`case:<id>:person`, `history:<case>:<seq>`,
 * `consent:<case>:<n>`, `task:<id>:note`): a sealed value copied to another row does not open.
 */
import { open, SealError, seal, sealedKeyId } from "./cipher.ts";
import type { Keyring } from "./keyring.ts";

export interface PersonalDataCodec {
  /** Whether values are sealed (false: plain JSON, benchmark baseline). */
  readonly sealing: boolean;
  encode(aad: string, value: unknown): string;
  decode<T = unknown>(aad: string, text: string): T;
  /** Key id of a stored value; null for a plain (unsealed) value. */
  keyIdOf(text: string): string | null;
}

export const isSealed = (text: string) => text.startsWith("pse1.");

/** Seal free text; plain text is stored as is (not JSON) so unprotected databases stay readable. */
export function encodeText(codec: PersonalDataCodec, aadText: string, text: string): string {
  return codec.sealing ? codec.encode(aadText, text) : text;
}

/** Read free text stored by encodeText; without a codec a sealed value is withheld (null). */
export function decodeText(
  codec: PersonalDataCodec | undefined,
  aadText: string,
  text: string,
): string | null {
  if (!isSealed(text)) return text;
  return codec?.sealing ? codec.decode<string>(aadText, text) : null;
}

/** Decode a stored value: open it when sealed, parse it when plain. */
function decodeWith(keyring: Keyring | undefined, aad: string, text: string): unknown {
  if (!isSealed(text)) return JSON.parse(text);
  if (!keyring) throw new SealError("unknownKey", sealedKeyId(text));
  return JSON.parse(open(keyring, text, aad));
}

/**
 * How many recently opened values are kept, so that one request that reads a case twice (before and
 * after its write) decrypts it once. Bounded and in memory only; never persisted or logged.
 */
export const OPENED_CACHE_SIZE = 4096;

export class SealingCodec implements PersonalDataCodec {
  readonly sealing = true;
  /** Ciphertext (with its AAD) → JSON text of the plaintext; insertion-ordered for eviction. */
  readonly #opened = new Map<string, string>();
  constructor(readonly keyring: Keyring) {}
  encode(aad: string, value: unknown): string {
    return seal(this.keyring, JSON.stringify(value), aad);
  }
  decode<T>(aad: string, text: string): T {
    if (!isSealed(text)) return JSON.parse(text) as T;
    const key = `${aad}\n${text}`;
    let json = this.#opened.get(key);
    if (json === undefined) {
      json = open(this.keyring, text, aad);
      this.#opened.set(key, json);
      if (this.#opened.size > OPENED_CACHE_SIZE) this.#opened.delete(this.#opened.keys().next().value!);
    }
    // Parsed afresh each time: callers get their own object.
    return JSON.parse(json) as T;
  }
  keyIdOf(text: string): string | null {
    return isSealed(text) ? sealedKeyId(text) : null;
  }
}

export class PlainCodec implements PersonalDataCodec {
  readonly sealing = false;
  encode(_aad: string, value: unknown): string {
    return JSON.stringify(value);
  }
  decode<T>(aad: string, text: string): T {
    return decodeWith(undefined, aad, text) as T;
  }
  keyIdOf(text: string): string | null {
    return isSealed(text) ? sealedKeyId(text) : null;
  }
}

/** AADs: where each sealed value lives. */
export const aad = {
  person: (caseId: string) => `case:${caseId}:person`,
  identification: (caseId: string) => `case:${caseId}:identification`,
  history: (caseId: string, seq: number) => `history:${caseId}:${seq}`,
  consentGuardian: (caseId: string, at: string, scope: string) => `consent:${caseId}:${scope}:${at}`,
  taskNote: (taskId: string) => `task:${taskId}:note`,
};
