/**
 * Sealing personal values of one case on PostgreSQL. The codec looks a case's salt up
 * synchronously per value (`crypto/case-keys.ts`), which a network database cannot answer: here the
 * salt is read first, in the caller's transaction, and the codec is given just that one salt. As
 * in SQLite nothing is cached beyond the call, so a salt erased with its case is held nowhere.
 */
import { eq } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import { type PersonalDataCodec, PlainCodec, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { PgDb, PgTx } from "./open.ts";
import { caseKeys } from "./schema/index.ts";

/** The codec for values of `caseId`: sealed under its own key (or the data key when it has no salt). */
export async function codecOfCase(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  caseId: string,
): Promise<PersonalDataCodec> {
  if (!keyring) return new PlainCodec();
  const [row] = await db.select({ salt: caseKeys.salt }).from(caseKeys).where(eq(caseKeys.caseId, caseId));
  return codecWithSalt(keyring, caseId, row?.salt);
}

/** The codec for values of `caseId` given its salt (just generated, or read with the case). */
export function codecWithSalt(
  keyring: Keyring | undefined,
  caseId: string,
  salt: Buffer | undefined,
): PersonalDataCodec {
  if (!keyring) return new PlainCodec();
  return new SealingCodec(keyring, { of: (id) => (id === caseId ? salt : undefined) });
}
