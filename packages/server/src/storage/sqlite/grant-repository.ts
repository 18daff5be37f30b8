/** Referral grants in the SQLite file. */
import { BEST_INTERESTS_GROUNDS, type ConsentScope, REVOKE_REASONS } from "@passerelle/definitions";
import type Database from "better-sqlite3";
import type {
  CaseGrant,
  GrantRepository,
  NewGrant,
  RevokeReason,
  WithdrawnSharing,
} from "../grant-repository.ts";

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

export class SqliteGrantRepository implements GrantRepository {
  private readonly s: ReturnType<typeof prepare>;
  private readonly withdrawal: ReturnType<typeof consentRevocation>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
    this.withdrawal = consentRevocation(sqlite);
  }

  async list(caseId: string): Promise<CaseGrant[]> {
    return (this.s.all.all(caseId) as Row[]).map(toGrant);
  }

  async get(caseId: string, grantId: number): Promise<CaseGrant | undefined> {
    const row = this.s.get.get(grantId) as Row | undefined;
    return row && row.case_id === caseId ? toGrant(row) : undefined;
  }

  async insert(input: NewGrant): Promise<CaseGrant> {
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

  async revoke(
    caseId: string,
    grantId: number,
    by: { at: string; userId: string; reason: RevokeReason },
  ): Promise<CaseGrant | undefined> {
    const { changes } = this.s.revoke.run({
      id: grantId,
      case_id: caseId,
      at: by.at,
      by: by.userId,
      reason: by.reason,
    });
    return changes === 1 ? this.get(caseId, grantId) : undefined;
  }

  async revokeConsentBased(caseId: string, at: string, which: WithdrawnSharing): Promise<number> {
    return this.withdrawal[which](caseId, at);
  }
}

/**
 * Statements that end the consent-based grants of a case when the person withdraws consent,
 * synchronous for SQLite code that runs inside its own transaction (the case writes record the
 * withdrawal and end the grants together).
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
