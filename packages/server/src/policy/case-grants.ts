/**
 * Referral grants: which other agencies may see a case. Written in the same transaction as the
 * referral's (or the revocation's) audit entry.
 */
import {
  BEST_INTERESTS_GROUNDS,
  type BestInterestsGrounds,
  type ConsentScope,
  REVOKE_REASONS,
  type RevokeReason,
} from "@passerelle/definitions";
import type Database from "better-sqlite3";

export interface CaseGrant {
  id: number;
  caseId: string;
  agencyId: string;
  grantedAt: string;
  grantedBy: string;
  basis: "consent" | "bestInterests";
  purpose: string | null;
  /** The consent scopes it rests on (none for a best-interests grant). */
  scopes: ConsentScope[];
  /** A best-interests grant: who decided, on which grounds. */
  decidedBy: string | null;
  decisionGrounds: BestInterestsGrounds | null;
  revokedAt: string | null;
  /** A user id, or `consent` when the person's withdrawal ended it. */
  revokedBy: string | null;
  revokeReason: RevokeReason | null;
}

export type NewGrant = Pick<
  CaseGrant,
  | "caseId"
  | "agencyId"
  | "grantedAt"
  | "grantedBy"
  | "basis"
  | "purpose"
  | "scopes"
  | "decidedBy"
  | "decisionGrounds"
>;

type Row = Record<string, unknown>;
const toGrant = (r: Row): CaseGrant => ({
  id: r.id as number,
  caseId: r.case_id as string,
  agencyId: r.agency_id as string,
  grantedAt: r.granted_at as string,
  grantedBy: r.granted_by as string,
  basis: r.basis as CaseGrant["basis"],
  purpose: (r.purpose as string | null) ?? null,
  scopes: JSON.parse((r.scopes as string | null) ?? "[]") as ConsentScope[],
  decidedBy: (r.decided_by as string | null) ?? null,
  decisionGrounds: BEST_INTERESTS_GROUNDS.find((g) => g === r.decision_grounds) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
  revokedBy: (r.revoked_by as string | null) ?? null,
  revokeReason: REVOKE_REASONS.find((g) => g === r.revoke_reason) ?? null,
});

export class CaseGrants {
  private readonly s: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  list(caseId: string): CaseGrant[] {
    return (this.s.all.all(caseId) as Row[]).map(toGrant);
  }

  get(caseId: string, grantId: number): CaseGrant | undefined {
    const row = this.s.get.get(grantId) as Row | undefined;
    return row && row.case_id === caseId ? toGrant(row) : undefined;
  }

  /** Grant access (inside the caller's transaction). Granting an agency that already has access is a no-op. */
  grant(input: NewGrant): CaseGrant {
    const existing = this.list(input.caseId).find(
      (g) => g.agencyId === input.agencyId && g.revokedAt === null,
    );
    if (existing) return existing;
    const { lastInsertRowid } = this.s.insert.run({
      case_id: input.caseId,
      agency_id: input.agencyId,
      granted_at: input.grantedAt,
      granted_by: input.grantedBy,
      basis: input.basis,
      purpose: input.purpose,
      scopes: JSON.stringify(input.scopes),
      decided_by: input.decidedBy,
      decision_grounds: input.decisionGrounds,
    });
    return toGrant(this.s.get.get(lastInsertRowid) as Row);
  }

  /** End one live grant (inside the caller's transaction); undefined when it was not live. */
  revoke(
    caseId: string,
    grantId: number,
    by: { at: string; userId: string; reason: RevokeReason },
  ): CaseGrant | undefined {
    const { changes } = this.s.revoke.run({
      id: grantId,
      case_id: caseId,
      at: by.at,
      by: by.userId,
      reason: by.reason,
    });
    return changes === 1 ? this.get(caseId, grantId) : undefined;
  }
}

/**
 * Statements that end the consent-based grants of a case when the person withdraws consent. They
 * run in the store's write transaction, with the consent record, so no request can see the case
 * through a grant whose consent is gone.
 */
export function consentRevocation(sqlite: Database.Database) {
  const all = sqlite.prepare(
    `UPDATE case_grants SET revoked_at = @at, revoked_by = 'consent', revoke_reason = 'consentWithdrawn'
     WHERE case_id = @case_id AND basis = 'consent' AND revoked_at IS NULL`,
  );
  const abroad = sqlite.prepare(
    `UPDATE case_grants SET revoked_at = @at, revoked_by = 'consent', revoke_reason = 'consentWithdrawn'
     WHERE case_id = @case_id AND basis = 'consent' AND revoked_at IS NULL
       AND agency_id NOT LIKE (SELECT country FROM cases WHERE id = @case_id) || ':%'`,
  );
  return {
    /** Withdrawal of `referral` or `dataSharing`: every grant resting on consent ends. */
    all: (caseId: string, at: string) => all.run({ case_id: caseId, at }).changes,
    /** Withdrawal of `crossBorderTransfer`: the grants to agencies outside the case's country end. */
    abroad: (caseId: string, at: string) => abroad.run({ case_id: caseId, at }).changes,
  };
}

function prepare(sqlite: Database.Database) {
  return {
    all: sqlite.prepare("SELECT * FROM case_grants WHERE case_id = ? ORDER BY id"),
    get: sqlite.prepare("SELECT * FROM case_grants WHERE id = ?"),
    insert: sqlite.prepare(
      `INSERT INTO case_grants (case_id, agency_id, granted_at, granted_by, basis, purpose, scopes, decided_by, decision_grounds)
       VALUES (@case_id, @agency_id, @granted_at, @granted_by, @basis, @purpose, @scopes, @decided_by, @decision_grounds)`,
    ),
    revoke: sqlite.prepare(
      `UPDATE case_grants SET revoked_at = @at, revoked_by = @by, revoke_reason = @reason
       WHERE id = @id AND case_id = @case_id AND revoked_at IS NULL`,
    ),
  };
}
