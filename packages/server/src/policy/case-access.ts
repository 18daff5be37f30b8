/**
 * Who may see a case: its owner agency and the agencies it was referred to. Read before any case or
 * task route runs, so a case out of reach is refused before the body is even validated.
 */
import type Database from "better-sqlite3";
import { agencyKey } from "../auth/directory.ts";
import type { CaseAccess } from "./decide.ts";

export interface CaseAccessOf extends CaseAccess {
  caseId: string;
}

export class CaseAccessLookup {
  private readonly ofCase: Database.Statement;
  private readonly ofTask: Database.Statement;
  private readonly grants: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.ofCase = sqlite.prepare("SELECT id, country, agency FROM cases WHERE id = ?");
    this.ofTask = sqlite.prepare(
      "SELECT c.id, c.country, c.agency FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = ?",
    );
    this.grants = sqlite.prepare(
      "SELECT agency_id FROM case_grants WHERE case_id = ? AND revoked_at IS NULL",
    );
  }

  forCase(caseId: string): CaseAccessOf | undefined {
    return this.build(this.ofCase.get(caseId));
  }

  forTask(taskId: string): CaseAccessOf | undefined {
    return this.build(this.ofTask.get(taskId));
  }

  private build(row: unknown): CaseAccessOf | undefined {
    if (!row) return undefined;
    const r = row as { id: string; country: string; agency: string | null };
    return {
      caseId: r.id,
      // A case without an owner agency belongs to nobody: only referrals can open it up.
      ownerAgencyId: r.agency === null ? "" : agencyKey(r.country, r.agency),
      grantedAgencyIds: (this.grants.all(r.id) as { agency_id: string }[]).map((g) => g.agency_id),
    };
  }
}
