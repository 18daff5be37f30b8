/**
 * Referral grants: which other agencies may see a case. Written in the same transaction as the
 * referral's audit entry.
 */
import type Database from "better-sqlite3";

export interface CaseGrant {
  id: number;
  caseId: string;
  agencyId: string;
  grantedAt: string;
  grantedBy: string;
  basis: "consent" | "bestInterests";
  purpose: string | null;
  revokedAt: string | null;
}

type Row = Record<string, unknown>;
const toGrant = (r: Row): CaseGrant => ({
  id: r.id as number,
  caseId: r.case_id as string,
  agencyId: r.agency_id as string,
  grantedAt: r.granted_at as string,
  grantedBy: r.granted_by as string,
  basis: r.basis as CaseGrant["basis"],
  purpose: (r.purpose as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

export class CaseGrants {
  private readonly s: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  /** Agencies (keys) the case is currently referred to. */
  grantedAgencies(caseId: string): string[] {
    return (this.s.active.all(caseId) as { agency_id: string }[]).map((r) => r.agency_id);
  }

  list(caseId: string): CaseGrant[] {
    return (this.s.all.all(caseId) as Row[]).map(toGrant);
  }

  /** Grant access (inside the caller's transaction). Granting an agency that already has access is a no-op. */
  grant(input: Omit<CaseGrant, "id" | "revokedAt">): CaseGrant {
    const existing = (this.s.all.all(input.caseId) as Row[])
      .map(toGrant)
      .find((g) => g.agencyId === input.agencyId && g.revokedAt === null);
    if (existing) return existing;
    const { lastInsertRowid } = this.s.insert.run({
      case_id: input.caseId,
      agency_id: input.agencyId,
      granted_at: input.grantedAt,
      granted_by: input.grantedBy,
      basis: input.basis,
      purpose: input.purpose,
    });
    return toGrant(this.s.get.get(lastInsertRowid) as Row);
  }

  revoke(caseId: string, agencyId: string, at: string): number {
    return this.s.revoke.run({ case_id: caseId, agency_id: agencyId, at }).changes;
  }
}

function prepare(sqlite: Database.Database) {
  return {
    active: sqlite.prepare("SELECT agency_id FROM case_grants WHERE case_id = ? AND revoked_at IS NULL"),
    all: sqlite.prepare("SELECT * FROM case_grants WHERE case_id = ? ORDER BY id"),
    get: sqlite.prepare("SELECT * FROM case_grants WHERE id = ?"),
    insert: sqlite.prepare(
      `INSERT INTO case_grants (case_id, agency_id, granted_at, granted_by, basis, purpose)
       VALUES (@case_id, @agency_id, @granted_at, @granted_by, @basis, @purpose)`,
    ),
    revoke: sqlite.prepare(
      "UPDATE case_grants SET revoked_at = @at WHERE case_id = @case_id AND agency_id = @agency_id AND revoked_at IS NULL",
    ),
  };
}
