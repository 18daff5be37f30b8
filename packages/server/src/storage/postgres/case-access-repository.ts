/** Who may reach a case, read from PostgreSQL: the checks asked for together in one statement. */
import { eq, sql } from "drizzle-orm";
import type { CaseAccessRecord, CaseAccessRepository } from "../case-access-repository.ts";
import { batchedReads } from "./batched-reads.ts";
import { namedStatement } from "./named-statement.ts";
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

const ofCasesStatement = namedStatement<Row>(
  "passerelle_case_access",
  sql`SELECT c.id, c.country, c.agency, ${GRANTS} FROM cases c WHERE c.id = ANY(${sql.placeholder("ids")}::text[])`,
);

async function ofCases(db: PgDb | PgTx, ids: readonly string[]): Promise<Map<string, CaseAccessRecord>> {
  const result = await ofCasesStatement(db, { ids });
  return new Map(result.rows.map((row) => [row.id, toRecord(row)]));
}

export class PostgresCaseAccessRepository implements CaseAccessRepository {
  /** Outside a transaction, the checks of cases asked for together go in one statement. */
  private readonly batched: ((id: string) => Promise<CaseAccessRecord | undefined>) | undefined;

  constructor(
    private readonly db: PgDb | PgTx,
    inTransaction: boolean,
  ) {
    if (!inTransaction) this.batched = batchedReads((ids) => ofCases(db, ids));
  }

  async ofCase(caseId: string): Promise<CaseAccessRecord | undefined> {
    return this.batched ? this.batched(caseId) : (await ofCases(this.db, [caseId])).get(caseId);
  }

  async ofTask(taskId: string): Promise<CaseAccessRecord | undefined> {
    const result = await this.db.execute<Row>(
      sql`SELECT c.id, c.country, c.agency, ${GRANTS} FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.id = ${taskId}`,
    );
    const row = result.rows[0];
    return row && toRecord(row);
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

function toRecord(row: Row): CaseAccessRecord {
  return { caseId: row.id, country: row.country, agency: row.agency, grantedAgencyIds: row.grants };
}
