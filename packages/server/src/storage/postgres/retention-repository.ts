/**
 * Retention's reads and erasure in PostgreSQL (see `../retention-repository.ts`).
 *
 * Unlike SQLite with `secure_delete`, PostgreSQL overwrites nothing in place: an UPDATE or DELETE
 * leaves the old row version in the table's pages until VACUUM reclaims it (and its bytes until the
 * space is reused), and in the write-ahead log and its archives. The erased sealed values stay
 * unreadable there only because the case's salt is destroyed with them — and the salt's own old row
 * version shares that fate, so the backups and WAL archives of the database must be kept no longer
 * than the retention promises (docs/operations.md#postgresql).
 */
import { and, eq, ne } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import { aad, isSealed } from "../../crypto/personal-data-codec.ts";
import { type ClosedCase, ERASED_PERSON, type RetentionRepository } from "../retention-repository.ts";
import { codecOfCase } from "./case-codec.ts";
import type { PgDb, PgTx } from "./open.ts";
import { caseHistory, caseKeys, casePersonal, cases, consents, taskActions, tasks } from "./schema/index.ts";

export class PostgresRetentionRepository implements RetentionRepository {
  constructor(
    private readonly db: PgDb | PgTx,
    /** The data keys; undefined only without protections. */
    private readonly keyring: Keyring | undefined,
  ) {}

  async closedWithPersonalData(): Promise<ClosedCase[]> {
    return this.db
      .select({
        caseId: cases.id,
        country: cases.country,
        pathwayVersion: cases.pathwayVersion,
        closedAt: cases.updatedAt,
      })
      .from(cases)
      .innerJoin(casePersonal, eq(casePersonal.caseId, cases.id))
      .where(and(eq(cases.stage, "closed"), ne(casePersonal.person, ERASED_PERSON)))
      .orderBy(cases.id);
  }

  async identificationOf(caseId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.db
      .select({ identification: casePersonal.identification })
      .from(casePersonal)
      .where(eq(casePersonal.caseId, caseId));
    if (row === undefined || (isSealed(row.identification) && !this.keyring)) return undefined;
    const codec = await codecOfCase(this.db, this.keyring, caseId);
    return codec.decode<Record<string, unknown>>(aad.identification(caseId), row.identification);
  }

  async erase(caseId: string, keptIdentification: Record<string, unknown>): Promise<void> {
    await this.db
      .update(casePersonal)
      .set({ person: ERASED_PERSON, identification: JSON.stringify(keptIdentification) })
      .where(eq(casePersonal.caseId, caseId));
    await this.db.update(caseHistory).set({ personalData: null }).where(eq(caseHistory.caseId, caseId));
    await this.db.update(consents).set({ guardian: null, purpose: null }).where(eq(consents.caseId, caseId));
    await this.db.update(tasks).set({ note: null }).where(eq(tasks.caseId, caseId));
    await this.db.update(taskActions).set({ reason: null }).where(eq(taskActions.caseId, caseId));
    // Crypto-erasure: without its salt, no key opens a copy of the case's sealed values.
    await this.db.delete(caseKeys).where(eq(caseKeys.caseId, caseId));
  }
}
