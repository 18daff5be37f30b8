import { sql } from "drizzle-orm";
import { index, integer, pgTable, text } from "drizzle-orm/pg-core";

/**
 * Access to a case granted to another agency by a referral. Recorded with who referred, on which
 * basis (consent or a child's best interests) and for what purpose; revoking keeps the row, with
 * who revoked it and why.
 */
export const caseGrants = pgTable(
  "case_grants",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    caseId: text("case_id").notNull(),
    /** Agency key `<country>:<code>` that received the referral. */
    agencyId: text("agency_id").notNull(),
    grantedAt: text("granted_at").notNull(),
    grantedBy: text("granted_by").notNull(),
    basis: text("basis", { enum: ["consent", "bestInterests"] }).notNull(),
    /** The specified purpose of the referral (no personal data). */
    purpose: text("purpose"),
    /** Consent scopes the grant rests on (JSON array); withdrawing one of them revokes it. */
    scopes: text("scopes").notNull().default("[]"),
    /** For a best-interests grant: the user who took the decision, and its coded grounds. */
    decidedBy: text("decided_by"),
    decisionGrounds: text("decision_grounds"),
    revokedAt: text("revoked_at"),
    /** Who revoked it (a user id, or `consent` when a withdrawal ended it) and the coded reason. */
    revokedBy: text("revoked_by"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    index("case_grants_case").on(t.caseId),
    index("case_grants_agency_case").on(t.agencyId, t.caseId),
    // Need-to-know lists walk an agency's live grants newest case first, from the index alone.
    index("case_grants_agency_open").on(t.agencyId, t.caseId).where(sql`${t.revokedAt} is null`),
  ],
);
