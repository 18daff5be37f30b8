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

/** How many cases' access lists are kept in memory (who owns them and who they were referred to). */
export const ACCESS_CACHE_SIZE = 4096;

export class CaseAccessLookup {
  private readonly ofCase: Database.Statement;
  private readonly ofTask: Database.Statement;
  /**
   * Case id → access. Ownership never changes and grants change only through the referral route,
   * which calls `forget`, so an entry stays right until then. (Several API instances would need
   * this cache dropped or shared — see docs/data-protection.md.)
   */
  private readonly cache = new Map<string, CaseAccessOf>();

  constructor(sqlite: Database.Database) {
    // One statement per check: the grants come along as a list (unit separator between agency ids).
    const grants =
      "(SELECT group_concat(g.agency_id, char(31)) FROM case_grants g WHERE g.case_id = c.id AND g.revoked_at IS NULL) AS grants";
    this.ofCase = sqlite.prepare(`SELECT c.id, c.country, c.agency, ${grants} FROM cases c WHERE c.id = ?`);
    this.ofTask = sqlite.prepare(
      `SELECT c.id, c.country, c.agency, ${grants} FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = ?`,
    );
  }

  forCase(caseId: string): CaseAccessOf | undefined {
    const cached = this.cache.get(caseId);
    if (cached) return cached;
    const access = this.build(this.ofCase.get(caseId));
    if (access) {
      if (this.cache.size >= ACCESS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(caseId, access);
    }
    return access;
  }

  /** Drop what is known about a case (its grants changed). */
  forget(caseId: string): void {
    this.cache.delete(caseId);
  }

  forTask(taskId: string): CaseAccessOf | undefined {
    return this.build(this.ofTask.get(taskId));
  }

  private build(row: unknown): CaseAccessOf | undefined {
    if (!row) return undefined;
    const r = row as { id: string; country: string; agency: string | null; grants: string | null };
    return {
      caseId: r.id,
      // A case without an owner agency belongs to nobody: only referrals can open it up.
      ownerAgencyId: r.agency === null ? "" : agencyKey(r.country, r.agency),
      grantedAgencyIds: r.grants === null ? [] : r.grants.split("\u001f"),
    };
  }
}
