/** Who may reach a case, read from the SQLite file in one statement per check. */
import type Database from "better-sqlite3";
import type { CaseAccessRecord, CaseAccessRepository } from "../case-access-repository.ts";

interface Row {
  id: string;
  country: string;
  agency: string | null;
  grants: string | null;
}

export class SqliteCaseAccessRepository implements CaseAccessRepository {
  private readonly ofCaseStatement: Database.Statement;
  private readonly ofTaskStatement: Database.Statement;
  private readonly assign: Database.Statement;

  constructor(sqlite: Database.Database) {
    // The grants come along as a list (unit separator between agency ids).
    const grants =
      "(SELECT group_concat(g.agency_id, char(31)) FROM case_grants g WHERE g.case_id = c.id AND g.revoked_at IS NULL) AS grants";
    this.ofCaseStatement = sqlite.prepare(
      `SELECT c.id, c.country, c.agency, ${grants} FROM cases c WHERE c.id = ?`,
    );
    this.ofTaskStatement = sqlite.prepare(
      `SELECT c.id, c.country, c.agency, ${grants} FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = ?`,
    );
    this.assign = sqlite.prepare("UPDATE cases SET assignee = ? WHERE id = ?");
  }

  async ofCase(caseId: string): Promise<CaseAccessRecord | undefined> {
    return toRecord(this.ofCaseStatement.get(caseId) as Row | undefined);
  }

  async ofTask(taskId: string): Promise<CaseAccessRecord | undefined> {
    return toRecord(this.ofTaskStatement.get(taskId) as Row | undefined);
  }

  async setAssignee(caseId: string, assignee: string): Promise<boolean> {
    return this.assign.run(assignee, caseId).changes === 1;
  }
}

function toRecord(row: Row | undefined): CaseAccessRecord | undefined {
  if (!row) return undefined;
  return {
    caseId: row.id,
    country: row.country,
    agency: row.agency,
    grantedAgencyIds: row.grants === null ? [] : row.grants.split("\u001f"),
  };
}
