/**
 * Referral grants in PostgreSQL (see `../grant-repository.ts`). Revoking is one UPDATE of a live
 * grant: when two instances revoke the same grant at once, the second waits for the first's row
 * lock, finds it no longer live, and ends nothing.
 */
import { BEST_INTERESTS_GROUNDS, type ConsentScope, REVOKE_REASONS } from "@passerelle/definitions";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type {
  CaseGrant,
  GrantRepository,
  NewGrant,
  RevokeReason,
  WithdrawnSharing,
} from "../grant-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { caseGrants } from "./schema/index.ts";

const toGrant = (r: typeof caseGrants.$inferSelect): CaseGrant => ({
  ...r,
  scopes: JSON.parse(r.scopes) as ConsentScope[],
  decisionGrounds: BEST_INTERESTS_GROUNDS.find((g) => g === r.decisionGrounds) ?? null,
  revokeReason: REVOKE_REASONS.find((g) => g === r.revokeReason) ?? null,
});

export class PostgresGrantRepository implements GrantRepository {
  constructor(private readonly db: PgDb | PgTx) {}

  async list(caseId: string): Promise<CaseGrant[]> {
    const rows = await this.db
      .select()
      .from(caseGrants)
      .where(eq(caseGrants.caseId, caseId))
      .orderBy(asc(caseGrants.id));
    return rows.map(toGrant);
  }

  async get(caseId: string, grantId: number): Promise<CaseGrant | undefined> {
    const [row] = await this.db
      .select()
      .from(caseGrants)
      .where(and(eq(caseGrants.id, grantId), eq(caseGrants.caseId, caseId)));
    return row && toGrant(row);
  }

  async insert(input: NewGrant): Promise<CaseGrant> {
    const [row] = await this.db
      .insert(caseGrants)
      .values({ ...input, scopes: JSON.stringify(input.scopes) })
      .returning();
    return toGrant(row!);
  }

  async revoke(
    caseId: string,
    grantId: number,
    by: { at: string; userId: string; reason: RevokeReason },
  ): Promise<CaseGrant | undefined> {
    const [row] = await this.db
      .update(caseGrants)
      .set({ revokedAt: by.at, revokedBy: by.userId, revokeReason: by.reason })
      .where(and(eq(caseGrants.id, grantId), eq(caseGrants.caseId, caseId), isNull(caseGrants.revokedAt)))
      .returning();
    return row && toGrant(row);
  }

  async revokeConsentBased(caseId: string, at: string, which: WithdrawnSharing): Promise<number> {
    const live = and(
      eq(caseGrants.caseId, caseId),
      eq(caseGrants.basis, "consent"),
      isNull(caseGrants.revokedAt),
    );
    const result = await this.db
      .update(caseGrants)
      .set({ revokedAt: at, revokedBy: "consent", revokeReason: "consentWithdrawn" })
      .where(
        which === "all"
          ? live
          : and(
              live,
              sql`${caseGrants.agencyId} NOT LIKE (SELECT country FROM cases WHERE id = ${caseId}) || ':%'`,
            ),
      );
    return result.rowCount ?? 0;
  }
}
