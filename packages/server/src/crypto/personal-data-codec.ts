/**
 * How the store writes personal values: sealed (AES-256-GCM, see cipher.ts) with protections on, plain
 * JSON with them off (benchmark baseline only). Reading accepts both, so a database written before
 * encryption was enabled stays readable and `passerelle keys rotate` seals what is still plain.
 *
 * Every value is bound to its place by the AAD (`case:<id>:person`, `history:<case>:<seq>`,
 * `consent:<case>:<scope>:<at>`, `task:<case>:<id>:note`): a sealed value copied to another row
 * does not open. The AAD's second part is always the case id: with protections on, values are
 * sealed under the case's own key (see cipher.ts), so that erasing the case's salt erases them.
 */
import type { CaseSalts } from "./case-salts.ts";
import { open, SealError, seal, sealedKeyId, sealForCase } from "./cipher.ts";
import type { Keyring } from "./keyring.ts";

export interface PersonalDataCodec {
  /** Whether values are sealed (false: plain JSON, benchmark baseline). */
  readonly sealing: boolean;
  encode(aad: string, value: unknown): string;
  decode<T = unknown>(aad: string, text: string): T;
  /** Key id of a stored value; null for a plain (unsealed) value. */
  keyIdOf(text: string): string | null;
}

export const isSealed = (text: string) => text.startsWith("pse1.") || text.startsWith("pse2.");

/** The case a value belongs to, from its AAD (`<kind>:<caseId>:…`). */
export const caseOfAad = (aad: string) => aad.split(":", 2)[1] ?? "";

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
 * Seals under each case's own key when the case has a salt (every case created since per-case
 * keys), else under the data key. Opened values are not cached: decrypted personal data lives only
 * as long as the request that asked for it (AES-GCM opens a record in microseconds).
 */
export class SealingCodec implements PersonalDataCodec {
  readonly sealing = true;
  constructor(
    readonly keyring: Keyring,
    private readonly salts?: CaseSalts,
  ) {}
  encode(aad: string, value: unknown): string {
    const caseId = caseOfAad(aad);
    const salt = this.salts?.of(caseId);
    const text = JSON.stringify(value);
    return salt ? sealForCase(this.keyring, salt, caseId, text, aad) : seal(this.keyring, text, aad);
  }
  /**
   * The same codec, given one case's salt as the caller just read it (with the case, in the same
   * read): that case's values open without a second lookup. The salt is held by the returned codec
   * only, which lives as long as the record read with it (one request), as on PostgreSQL.
   */
  withSaltOf(caseId: string, salt: Buffer): SealingCodec {
    return new SealingCodec(this.keyring, new OneCaseSalt(caseId, salt, this.salts));
  }
  decode<T>(aad: string, text: string): T {
    if (!isSealed(text)) return JSON.parse(text) as T;
    const caseId = caseOfAad(aad);
    return JSON.parse(open(this.keyring, text, aad, { caseId, salt: this.salts?.of(caseId) })) as T;
  }
  keyIdOf(text: string): string | null {
    return isSealed(text) ? sealedKeyId(text) : null;
  }
}

/** One case's salt as read, then the store's lookup for any other case (a class: no closure per read). */
class OneCaseSalt implements CaseSalts {
  constructor(
    private readonly caseId: string,
    private readonly salt: Buffer,
    private readonly others: CaseSalts | undefined,
  ) {}
  of(caseId: string): Buffer | undefined {
    return caseId === this.caseId ? this.salt : this.others?.of(caseId);
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
  consentPurpose: (caseId: string, at: string, scope: string) => `consent:${caseId}:${scope}:${at}:purpose`,
  taskNote: (caseId: string, taskId: string) => `task:${caseId}:${taskId}:note`,
  taskActionReason: (caseId: string, taskId: string, action: string, at: string) =>
    `taskAction:${caseId}:${taskId}:${action}:${at}`,
};
