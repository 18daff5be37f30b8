/** Who may reach a case, read from PostgreSQL in one statement per check. */
import { eq, sql } from "drizzle-orm";
import type { CaseAccessRecord, CaseAccessRepository } from "../case-access-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { cases } from "./schema/index.ts";

interface Row extends Record<string, unknown> {
  id: string;
  country: string;
  agency: string | null;
  grants: string[];
}

// The live grants come along as an array, in grant order.
const GRANTS = sql`ARRAY(SELECT g.agency_id FROM case_grants g WHERE g.case_id = c.id AND g.revoked_at IS NULL ORDER BY g.id) AS grants`;

export class PostgresCaseAccessRepository implements CaseAccessRepository {
  constructor(private readonly db: PgDb | PgTx) {}

  async ofCase(caseId: string): Promise<CaseAccessRecord | undefined> {
    const result = await this.db.execute<Row>(
      sql`SELECT c.id, c.country, c.agency, ${GRANTS} FROM cases c WHERE c.id = ${caseId}`,
    );
    return toRecord(result.rows[0]);
  }

  async ofTask(taskId: string): Promise<CaseAccessRecord | undefined> {
    const result = await this.db.execute<Row>(
      sql`SELECT c.id, c.country, c.agency, ${GRANTS} FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = ${taskId}`,
    );
    return toRecord(result.rows[0]);
  }

  async setAssignee(caseId: string, assignee: string): Promise<boolean> {
    const updated = await this.db
      .update(cases)
      .set({ assignee })
      .where(eq(cases.id, caseId))
      .returning({ id: cases.id });
    return updated.length === 1;
  }
}

function toRecord(row: Row | undefined): CaseAccessRecord | undefined {
  if (!row) return undefined;
  return { caseId: row.id, country: row.country, agency: row.agency, grantedAgencyIds: row.grants };
}
